USE master;
SELECT name, '$(bakfile)' AS bakfile FROM sys.databases WHERE name = '$(db)';
