// Connects with a jTDS URL, runs one query and prints its rows tab-separated, or "ERROR <code> <text>".
// Used where a test needs jTDS's own connection logic (instance lookup through the SQL Server Browser).
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

public class JtdsProbe {
    public static void main(String[] args) throws Exception {
        Class.forName("net.sourceforge.jtds.jdbc.Driver");
        try (Connection c = DriverManager.getConnection(args[0], args[1], args[2]);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery(args[3])) {
            ResultSetMetaData m = r.getMetaData();
            while (r.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= m.getColumnCount(); i++) {
                    if (i > 1) line.append('\t');
                    line.append(r.getString(i));
                }
                System.out.println(line);
            }
        } catch (SQLException e) {
            System.out.println("ERROR " + e.getErrorCode() + " " + e.getMessage());
            System.exit(3);
        }
    }
}
