SELECT org, split_part(cofog, '.', 1) AS division, sum(amount) AS total
FROM spend
WHERE date BETWEEN DATE '2025-04-01' AND DATE '2026-03-31'
  AND regexp_matches(description, 'agency|locum', 'i')
GROUP BY 1, 2;
