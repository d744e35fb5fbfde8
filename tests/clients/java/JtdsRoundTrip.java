// jTDS 1.3.1 against a SQL Server: the type round trip of tdsnet's [core] acceptance.
//
// usage: java -cp jtds.jar:. JtdsRoundTrip <host> <port> <user> <password> <table> <cases.tsv>
// cases.tsv: one line per column: name TAB sql type TAB setter TAB value TAB literal
//   setter: boolean short int long float double decimal string bytes(hex) timestamp
// Prints "row<TAB>column<TAB>value" lines (binary values as hex, NULL as \N), then the error
// a missing table gives ("error<TAB>number<TAB>message"), then "after<TAB>42".
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

public class JtdsRoundTrip {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:jtds:sqlserver://" + args[0] + ":" + args[1] + "/master";
        String table = args[4];
        List<String[]> cases = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(args[5]), StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) cases.add(line.split("\t", -1));
        }
        Class.forName("net.sourceforge.jtds.jdbc.Driver");
        try (Connection c = DriverManager.getConnection(url, args[2], args[3])) {
            Statement s = c.createStatement();
            s.execute("DROP TABLE IF EXISTS " + table);
            StringBuilder create = new StringBuilder("CREATE TABLE " + table + " (id int NOT NULL PRIMARY KEY");
            StringBuilder names = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            StringBuilder literals = new StringBuilder();
            for (String[] k : cases) {
                create.append(", ").append(k[0]).append(' ').append(k[1]).append(" NULL");
                names.append(", ").append(k[0]);
                marks.append(", ?");
                literals.append(", ").append(k[4]);
            }
            s.execute(create.append(")").toString());
            PreparedStatement p = c.prepareStatement(
                "INSERT INTO " + table + " (id" + names + ") VALUES (1" + marks + ")");
            for (int i = 0; i < cases.size(); i++) bind(p, i + 1, cases.get(i)[2], cases.get(i)[3]);
            p.executeUpdate();
            s.execute("INSERT INTO " + table + " (id" + names + ") VALUES (2" + literals + ")");
            s.execute("INSERT INTO " + table + " (id) VALUES (3)");
            ResultSet rs = s.executeQuery("SELECT id" + names + " FROM " + table + " ORDER BY id");
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                int row = rs.getInt(1);
                for (int i = 0; i < cases.size(); i++) {
                    String kind = cases.get(i)[2];
                    String value;
                    if (kind.equals("bytes")) {
                        byte[] b = rs.getBytes(i + 2);
                        value = b == null ? "\\N" : hex(b);
                    } else {
                        String text = rs.getString(i + 2);
                        value = text == null ? "\\N" : text.replace("\t", "\\t").replace("\n", "\\n");
                    }
                    System.out.println(row + "\t" + cases.get(i)[0] + "\t" + value);
                }
            }
            System.out.println("protocol\t" + query(s, "SELECT protocol_version FROM sys.dm_exec_connections WHERE session_id = @@SPID"));
            try {
                s.executeQuery("SELECT * FROM no_such_table");
            } catch (SQLException e) {
                System.out.println("error\t" + e.getErrorCode() + "\t" + e.getMessage());
            }
            System.out.println("after\t" + query(s, "SELECT 40 + 2"));
        }
    }

    static String query(Statement s, String sql) throws SQLException {
        ResultSet rs = s.executeQuery(sql);
        rs.next();
        return rs.getString(1);
    }

    static void bind(PreparedStatement p, int index, String kind, String value) throws SQLException {
        switch (kind) {
            case "boolean": p.setBoolean(index, Boolean.parseBoolean(value)); break;
            case "short": p.setShort(index, Short.parseShort(value)); break;
            case "int": p.setInt(index, Integer.parseInt(value)); break;
            case "long": p.setLong(index, Long.parseLong(value)); break;
            case "float": p.setFloat(index, Float.parseFloat(value)); break;
            case "double": p.setDouble(index, Double.parseDouble(value)); break;
            case "decimal": p.setBigDecimal(index, new BigDecimal(value)); break;
            case "bytes": p.setBytes(index, unhex(value)); break;
            case "timestamp": p.setTimestamp(index, Timestamp.valueOf(value)); break;
            default: p.setString(index, value);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) out.append(String.format("%02x", b));
        return out.toString();
    }

    static byte[] unhex(String text) {
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        return out;
    }
}
