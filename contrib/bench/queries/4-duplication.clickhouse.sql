-- ClickHouse 18.16 joins on equality only (USING): the 30-day window and
-- the tie-break are filters after the join.
SELECT need, if(service < service_b, service, service_b) AS sa,
       if(service < service_b, service_b, service) AS sb,
       uniqExact(person) AS people, count() AS pairs, sum(cost_b) AS cost
FROM (SELECT person, need, date, service, rn FROM activity)
ALL INNER JOIN
     (SELECT person, need, date AS date_b, service AS service_b,
             cost AS cost_b, rn AS rn_b FROM activity) USING (person, need)
WHERE service != service_b AND date_b >= date AND date_b <= date + 30
  AND (date_b > date OR rn_b > rn)
GROUP BY need, sa, sb ORDER BY pairs DESC, need, sa, sb
