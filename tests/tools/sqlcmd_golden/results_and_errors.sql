SELECT 1 AS a; RAISERROR('in the middle', 16, 1); SELECT 2 AS b;
PRINT 'printed';
CREATE TABLE #t (x int);
INSERT INTO #t VALUES (1), (2);
SET NOCOUNT ON;
SELECT x FROM #t;
GO
