-- Transfers between partners are left out, as placed's balance does.
-- Each line counted whole at its stored level: placed also apportions the
-- ~0.01% of lines split by `shares` in exact pence, which this does not.
SELECT org, CASE WHEN prevention = '' THEN 'unclassified' ELSE prevention END AS level,
       sum(amount) AS amount,
       round(100.0 * sum(amount) / sum(sum(amount)) OVER (PARTITION BY org), 1) AS share,
       count(*) AS lines
FROM spend WHERE transfer <> 'yes'
GROUP BY 1, 2 ORDER BY 1, 2;
