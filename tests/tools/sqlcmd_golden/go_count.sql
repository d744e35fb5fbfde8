CREATE TABLE #counter (n int);
GO
INSERT INTO #counter VALUES (1);
GO 3
SELECT COUNT(*) AS n FROM #counter;
GO
