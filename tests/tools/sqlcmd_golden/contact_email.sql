USE AdventureWorks2022;
GO
CREATE OR ALTER PROCEDURE dbo.ContactEmailAddress (
    @FirstName NVARCHAR(50),
    @LastName NVARCHAR(50)
)
AS
SET NOCOUNT ON;

SELECT EmailAddress
FROM dbo.Person p JOIN dbo.EmailAddress e ON e.BusinessEntityID = p.BusinessEntityID
WHERE FirstName = @FirstName
    AND LastName = @LastName;

SET NOCOUNT OFF;
GO
