// The [engine] acceptance steps through jTDS's JDBC API: a CallableStatement with an OUTPUT parameter
// and a return status (sent as RPC), a rolled-back transaction, TRY...CATCH, a severity 10 RAISERROR
// (an SQLWarning) and a severity 16 one (an SQLException).  Prints one line per step.
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;

public class JtdsCalls {
    public static void main(String[] args) throws Exception {
        Class.forName("net.sourceforge.jtds.jdbc.Driver");
        try (Connection c = DriverManager.getConnection(args[0], args[1], args[2])) {
            try (CallableStatement call = c.prepareCall("{? = call dbo.addup(?, ?, ?)}")) {
                call.registerOutParameter(1, Types.INTEGER);
                call.setInt(2, 6);
                call.setInt(3, 7);
                call.registerOutParameter(4, Types.INTEGER);
                call.execute();
                System.out.println("sum " + call.getInt(4));
                System.out.println("status " + call.getInt(1));
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO dbo.ledger VALUES (888001, 'jtds')");
                try {
                    s.executeUpdate("INSERT INTO dbo.ledger VALUES (888001, 'jtds')");
                } catch (SQLException expected) {
                    c.rollback();
                }
                try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM dbo.ledger WHERE who = 'jtds'")) {
                    r.next();
                    System.out.println("rolled back " + r.getInt(1));
                }
                c.setAutoCommit(true);
                try (ResultSet r = s.executeQuery(
                        "BEGIN TRY SELECT 1 / 0 END TRY BEGIN CATCH SELECT ERROR_NUMBER(), ERROR_SEVERITY() END CATCH")) {
                    r.next();
                    System.out.println("caught " + r.getInt(1) + " " + r.getInt(2));
                }
                s.execute("RAISERROR('just a note', 10, 1)");
                SQLWarning warning = s.getWarnings();
                System.out.println("warning " + (warning == null ? "none" : warning.getMessage()));
                try {
                    s.execute("RAISERROR('a real error', 16, 1)");
                    System.out.println("error none");
                } catch (SQLException e) {
                    System.out.println("error " + e.getErrorCode() + " " + e.getMessage());
                }
            }
        }
    }
}
