"""The instance: logins, sessions, ERRORLOG, connections and what they may do."""
