SELECT * FROM no_such_table
GO
SELECT 'after the error' AS step
GO
:on error exit
SELECT * FROM no_such_table
GO
SELECT 'never printed' AS step
GO
