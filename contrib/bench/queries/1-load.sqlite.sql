-- Into a fresh database holding schema.sqlite.sql; @CSV@ is the spend CSV.
.mode csv
.import --skip 1 @CSV@ spend
