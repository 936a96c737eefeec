-- ClickHouse: MergeTree ordered by date, exact money as Decimal(18,2),
-- LowCardinality is not in 18.16, so plain String.
CREATE TABLE spend (date Date, org String, service String, supplier String,
  description String, account String, amount Decimal(18,2), place String,
  cohort String, person String, funder String, cofog String,
  prevention String, shares String, classified_by String, transfer String,
  transfer_to String) ENGINE = MergeTree ORDER BY date;
CREATE TABLE activity (rn UInt64, date Date, org String, service String,
  person String, place String, need String, type String, episode String,
  cost Decimal(18,2), cofog String, prevention String, shares String,
  classified_by String) ENGINE = MergeTree ORDER BY (person, date, rn);
