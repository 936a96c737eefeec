-- The body of the POST is the spend CSV file.
INSERT INTO spend FORMAT CSVWithNames
