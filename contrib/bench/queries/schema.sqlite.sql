-- SQLite: money as REAL pounds (sum() of REAL is what an analyst gets from
-- .import); dates as ISO text, which sorts and compares like a date.
CREATE TABLE spend (date TEXT, org TEXT, service TEXT, supplier TEXT,
  description TEXT, account TEXT, amount REAL, place TEXT, cohort TEXT,
  person TEXT, funder TEXT, cofog TEXT, prevention TEXT, shares TEXT,
  classified_by TEXT, transfer TEXT, transfer_to TEXT);
CREATE TABLE activity (rn INTEGER, date TEXT, org TEXT, service TEXT,
  person TEXT, place TEXT, need TEXT, type TEXT, episode TEXT, cost REAL,
  cofog TEXT, prevention TEXT, shares TEXT, classified_by TEXT);
