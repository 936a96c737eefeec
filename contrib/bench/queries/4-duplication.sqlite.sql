-- Pairs of one person's contacts for the same need, by two services, at
-- most 30 days apart; rn (file order) breaks same-day ties as placed does,
-- and the cost is the later contact's.  Uses the index on (person, need, date).
SELECT a.need, min(a.service, b.service) AS service_a,
       max(a.service, b.service) AS service_b,
       count(DISTINCT a.person) AS people, count(*) AS pairs, sum(b.cost) AS cost
FROM activity a JOIN activity b
  ON b.person = a.person AND b.need = a.need
 AND b.date BETWEEN a.date AND date(a.date, '+30 days')
 AND a.service <> b.service AND (b.date > a.date OR b.rn > a.rn)
GROUP BY 1, 2, 3 ORDER BY pairs DESC, 1, 2, 3;
