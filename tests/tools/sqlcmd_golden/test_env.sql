SELECT TOP 5 $(col1) + ' ' + $(col2) AS Name
FROM $(tablename)
WHERE Title ='$(title)'
GO
