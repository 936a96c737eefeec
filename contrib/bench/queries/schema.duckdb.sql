-- DuckDB: exact money as DECIMAL(18,2), real DATEs.
CREATE TABLE spend (date DATE, org VARCHAR, service VARCHAR, supplier VARCHAR,
  description VARCHAR, account VARCHAR, amount DECIMAL(18,2), place VARCHAR,
  cohort VARCHAR, person VARCHAR, funder VARCHAR, cofog VARCHAR,
  prevention VARCHAR, shares VARCHAR, classified_by VARCHAR, transfer VARCHAR,
  transfer_to VARCHAR);
CREATE TABLE activity (rn BIGINT, date DATE, org VARCHAR, service VARCHAR,
  person VARCHAR, place VARCHAR, need VARCHAR, type VARCHAR, episode VARCHAR,
  cost DECIMAL(18,2), cofog VARCHAR, prevention VARCHAR, shares VARCHAR,
  classified_by VARCHAR);
