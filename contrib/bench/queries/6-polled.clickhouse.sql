-- etc/questions/spend-by-partner.pql with period=fy2025, as CSV.
SELECT org, sum(amount) AS total, count() AS lines,
       round(100 * toFloat64(sum(amount)) / (SELECT toFloat64(sum(amount)) FROM spend
         WHERE date BETWEEN toDate('2025-04-01') AND toDate('2026-03-31') AND transfer != 'yes'), 1) AS share
FROM spend
WHERE date BETWEEN toDate('2025-04-01') AND toDate('2026-03-31') AND transfer != 'yes'
GROUP BY org ORDER BY total DESC FORMAT CSVWithNames
