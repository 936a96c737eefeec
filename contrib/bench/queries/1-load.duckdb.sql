-- quote and escape given: the sniffer samples the start of the file, and
-- the first quoted field may come later.
INSERT INTO spend SELECT * FROM read_csv('@CSV@', header = true, delim = ',',
  quote = '"', escape = '"',
  columns = {'date': 'DATE', 'org': 'VARCHAR', 'service': 'VARCHAR', 'supplier': 'VARCHAR',
  'description': 'VARCHAR', 'account': 'VARCHAR', 'amount': 'DECIMAL(18,2)', 'place': 'VARCHAR',
  'cohort': 'VARCHAR', 'person': 'VARCHAR', 'funder': 'VARCHAR', 'cofog': 'VARCHAR',
  'prevention': 'VARCHAR', 'shares': 'VARCHAR', 'classified_by': 'VARCHAR',
  'transfer': 'VARCHAR', 'transfer_to': 'VARCHAR'});
