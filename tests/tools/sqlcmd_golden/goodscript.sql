SELECT 'batch #1';
GO
SELECT 'batch #2';
GO
