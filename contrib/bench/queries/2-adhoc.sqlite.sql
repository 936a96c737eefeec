-- LIKE is case-insensitive for ASCII: SQLite's fastest way to say (?i)agency|locum.
SELECT org, substr(cofog, 1, instr(cofog, '.') - 1) AS division, sum(amount) AS total
FROM spend
WHERE date BETWEEN '2025-04-01' AND '2026-03-31'
  AND (description LIKE '%agency%' OR description LIKE '%locum%')
GROUP BY 1, 2;
