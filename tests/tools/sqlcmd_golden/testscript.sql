USE AdventureWorks2022;

SELECT x.$(ColumnName)
FROM dbo.Person x
WHERE x.BusinessEntityID < 5;
