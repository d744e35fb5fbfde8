// Runs a plan against a SQL Server with tedious and prints what it saw, as JSON.
//
// stdin:  {"config": {server, port, user, password, encrypt, ca, database, instanceName},
//          "steps": [{"sql": "...", "params": [{"name", "type", "value", "options"}]}
//                    | {"procedure": "dbo.p", "params": [...], "outputs": [{"name", "type"}]}
//                    | {"bulk": "dbo.t", "columns": [{"name", "type", "options"}], "rows": [[...]],
//                       "options": {keepNulls, ...}}]}
// stdout: [{"columns": [{"name", "type"}], "rows": [[...]], "rowCount": n, "infos": ["..."],
//           "outputs": {name: value}, "returnStatus": n | null,
//           "error": {"number", "state", "class", "message"} | null}, ...]
//
// Values are tagged where JSON cannot carry them: {"$date": iso, "ns": nanosecondDelta},
// {"$hex": "..."}, {"$bigint": "..."}.
"use strict";
const fs = require("fs");
const path = require("path");
const { Connection, Request, TYPES } = require(path.join(__dirname, "node_modules", "tedious"));

function decode(value) {
  if (value === null || typeof value !== "object") return value;
  if ("$date" in value) {
    const date = new Date(value.$date);
    if (value.ns !== undefined) date.nanosecondDelta = value.ns;
    return date;
  }
  if ("$hex" in value) return Buffer.from(value.$hex, "hex");
  if ("$bigint" in value) return value.$bigint;
  return value;
}

function encode(value) {
  if (value instanceof Date) {
    // tedious reads sub-millisecond time into nanosecondsDelta (and writes nanosecondDelta).
    const out = { $date: value.toISOString() };
    const ns = value.nanosecondsDelta !== undefined ? value.nanosecondsDelta : value.nanosecondDelta;
    if (ns !== undefined) out.ns = ns;
    return out;
  }
  if (Buffer.isBuffer(value)) return { $hex: value.toString("hex") };
  if (typeof value === "bigint") return { $bigint: value.toString() };
  return value;
}

function connect(config) {
  const options = {
    port: config.port,
    database: config.database || "master",
    encrypt: config.encrypt === "strict" ? "strict" : Boolean(config.encrypt),
    trustServerCertificate: true,
    connectTimeout: 10000,
    requestTimeout: 30000,
  };
  if (config.ca) options.cryptoCredentialsDetails = { ca: fs.readFileSync(config.ca) };
  if (config.instanceName) options.instanceName = config.instanceName;
  if (config.instanceName) delete options.port;
  const connection = new Connection({
    server: config.server,
    authentication: { type: "default", options: { userName: config.user, password: config.password } },
    options,
  });
  return new Promise((resolve, reject) => {
    connection.on("connect", (err) => (err ? reject(err) : resolve(connection)));
    connection.connect();
  });
}

function bulk(connection, step) {
  // connection.newBulkLoad: INSERT BULK, then the rows in a BULK_LOAD message
  return new Promise((resolve) => {
    const result = { columns: [], rows: [], rowCount: null, infos: [], outputs: {}, returnStatus: null, error: null };
    const load = connection.newBulkLoad(step.bulk, step.options || {}, (err, rowCount) => {
      if (err) result.error = { number: err.number, state: err.state, class: err.class, message: err.message };
      result.rowCount = rowCount === undefined ? null : rowCount;
      resolve(result);
    });
    for (const c of step.columns) load.addColumn(c.name, TYPES[c.type], c.options || {});
    connection.execBulkLoad(load, step.rows.map((row) => row.map(decode)));
  });
}

function run(connection, step) {
  if (step.bulk) return bulk(connection, step);
  return new Promise((resolve) => {
    const result = { columns: [], rows: [], rowCount: null, infos: [], outputs: {}, returnStatus: null, error: null };
    const onInfo = (info) => result.infos.push(info.message);
    connection.on("infoMessage", onInfo);
    const request = new Request(step.procedure || step.sql, (err, rowCount) => {
      connection.removeListener("infoMessage", onInfo);
      if (err) {
        result.error = { number: err.number, state: err.state, class: err.class, message: err.message };
      }
      result.rowCount = rowCount === undefined ? null : rowCount;
      resolve(result);
    });
    for (const p of step.params || []) {
      request.addParameter(p.name, TYPES[p.type], decode(p.value), p.options || {});
    }
    for (const p of step.outputs || []) {
      request.addOutputParameter(p.name, TYPES[p.type]);
    }
    request.on("returnValue", (name, value) => (result.outputs[name] = encode(value)));
    request.on("doneProc", (rowCount, more, returnStatus) => {
      if (returnStatus !== undefined && returnStatus !== null) result.returnStatus = returnStatus;
    });
    request.on("columnMetadata", (columns) => {
      result.columns = columns.map((c) => ({ name: c.colName, type: c.type.name }));
    });
    request.on("row", (columns) => result.rows.push(columns.map((c) => encode(c.value))));
    if (step.procedure) connection.callProcedure(request);
    else connection.execSql(request);
  });
}

async function main() {
  const plan = JSON.parse(fs.readFileSync(0, "utf8"));
  let connection;
  try {
    connection = await connect(plan.config);
  } catch (err) {
    process.stdout.write(JSON.stringify({ connectError: { message: err.message, number: err.number || null } }));
    return;
  }
  const results = [];
  for (const step of plan.steps) results.push(await run(connection, step));
  connection.close();
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err));
  process.exit(1);
});
