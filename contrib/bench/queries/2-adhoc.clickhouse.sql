SELECT org, splitByChar('.', cofog)[1] AS division, sum(amount) AS total
FROM spend
WHERE date BETWEEN toDate('2025-04-01') AND toDate('2026-03-31')
  AND match(description, '(?i)agency|locum')
GROUP BY org, division
