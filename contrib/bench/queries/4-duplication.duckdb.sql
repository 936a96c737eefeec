SELECT a.need, least(a.service, b.service) AS service_a,
       greatest(a.service, b.service) AS service_b,
       count(DISTINCT a.person) AS people, count(*) AS pairs, sum(b.cost) AS cost
FROM activity a JOIN activity b
  ON b.person = a.person AND b.need = a.need
 AND b.date BETWEEN a.date AND a.date + 30
 AND a.service <> b.service AND (b.date > a.date OR b.rn > a.rn)
GROUP BY 1, 2, 3 ORDER BY pairs DESC, 1, 2, 3;
