-- The costliest 5% of people (rounded up) and their share of all contact cost.
WITH p AS (SELECT person, sum(cost) AS total FROM activity
           WHERE person <> '' GROUP BY person),
     r AS (SELECT total, row_number() OVER (ORDER BY total DESC) AS rk,
                  count(*) OVER () AS n, sum(total) OVER () AS grand FROM p)
SELECT count(*) AS people, sum(total) AS cost,
       round(100.0 * sum(total) / max(grand), 1) AS share
FROM r WHERE rk <= (n * 5 + 99) / 100;
