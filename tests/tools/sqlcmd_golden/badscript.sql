SELECT batch_1_this_is_an_error
GO
SELECT 'batch #2'
GO
