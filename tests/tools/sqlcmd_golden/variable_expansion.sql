USE AdventureWorks2022;
DROP TABLE IF EXISTS dbo.VariableTest;
CREATE TABLE dbo.VariableTest
(
Col1 nvarchar(50)
);
GO
INSERT INTO dbo.VariableTest(Col1)
VALUES('$(tablename)');
GO
SELECT Col1 FROM dbo.VariableTest WHERE Col1 = '$(tablename)';
GO
SELECT Col1 FROM dbo.VariableTest WHERE Col1 = N'$(tablename)';
GO
:setvar MyVar $(tablename)
SELECT Col1 FROM dbo.VariableTest WHERE Col1 = '$(MyVar)';
GO
SELECT Col1 FROM dbo.VariableTest WHERE Col1 = N'$(MyVar)';
GO
