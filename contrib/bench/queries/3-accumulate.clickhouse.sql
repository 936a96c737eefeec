-- ClickHouse 18.16 has no window functions: sort the per-person totals into
-- one array and slice the top 5% (rounded up) off it.
SELECT length(top) AS people, arraySum(top) AS cost,
       round(100 * arraySum(top) / arraySum(a), 1) AS share
FROM (SELECT a, arraySlice(a, 1, toUInt64(ceil(length(a) * 0.05))) AS top
      FROM (SELECT arrayReverseSort(groupArray(total)) AS a
            FROM (SELECT toFloat64(sum(cost)) AS total FROM activity
                  WHERE person != '' GROUP BY person)))
