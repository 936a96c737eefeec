-- Transfers between partners are left out, as placed's balance does.
-- No window functions in 18.16: the per-org total comes from a join.
SELECT org, level, amount, round(100 * toFloat64(amount) / toFloat64(org_total), 1) AS share, lines
FROM (SELECT org, if(prevention = '', 'unclassified', prevention) AS level,
             sum(amount) AS amount, count() AS lines
      FROM spend WHERE transfer != 'yes' GROUP BY org, level)
ANY LEFT JOIN (SELECT org, sum(amount) AS org_total FROM spend WHERE transfer != 'yes' GROUP BY org) USING (org)
ORDER BY org, level
