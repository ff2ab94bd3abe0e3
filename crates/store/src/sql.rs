//! The one seam between vjt's SQL and the two databases. Every statement is written once, with
//! PostgreSQL-style `$1` placeholders, and only BIGINT and TEXT columns, so both engines run it as is
//! (SQLite gets `?1`, which it reads the same way).

use std::collections::HashMap;

use postgres::types::{IsNull, ToSql, Type};

use crate::StoreError;

/// A parameter or a column value. vjt stores only integers and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// A value borrowed from where it is kept, for statements that read it in place (the many-row
/// INSERTs and COPY rows of imports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl From<Param<'_>> for Value {
    fn from(p: Param<'_>) -> Self {
        match p {
            Param::Null => Value::Null,
            Param::Int(v) => Value::Int(v),
            Param::Text(t) => Value::Text(t.to_string()),
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One result row; columns are read by position in the order the SELECT names them.
pub(crate) struct Row(Vec<Value>);

impl Row {
    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            other => Err(StoreError::Corrupt(format!("column {i}: expected a number, found {other:?}"))),
        }
    }
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.int(i).map(Some),
        }
    }
    pub fn text(&self, i: usize) -> Result<&str, StoreError> {
        match self.0.get(i) {
            Some(Value::Text(v)) => Ok(v),
            other => Err(StoreError::Corrupt(format!("column {i}: expected text, found {other:?}"))),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<&str>, StoreError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
        })
    }
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            // PostgreSQL infers a parameter's type from its context (`$1 = 0` makes it INT4), so
            // narrow to whatever it declared rather than making every statement spell out casts.
            Value::Int(v) if *ty == Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
            Value::Int(v) if *ty == Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
            Value::Int(v) if *ty == Type::TEXT || *ty == Type::VARCHAR => v.to_string().to_sql(ty, out),
            Value::Int(v) => v.to_sql(ty, out),
            Value::Text(v) => v.to_sql(ty, out),
        }
    }
    fn accepts(ty: &Type) -> bool {
        [Type::INT2, Type::INT4, Type::INT8, Type::TEXT, Type::VARCHAR].contains(ty)
    }
    postgres::types::to_sql_checked!();
}

/// Rows queued for PostgreSQL's `COPY ... FROM STDIN (FORMAT binary)`, encoded as they come.
/// Encoded here rather than through `postgres::binary_copy`, which takes each row as a list of
/// `ToSql` values and encodes it inside an async call of its own: for a large import that was
/// a third of the writing thread's time, on top of building each value first. Only what the
/// import's tables hold is written: BIGINT, TEXT and NULL.
pub struct CopyRows {
    data: Vec<u8>,
    rows: usize,
    /// Why these rows cannot be sent as they are (a text longer than a field can say, a text
    /// where a number belongs): the COPY is refused rather than sent wrong.
    refused: Option<&'static str>,
}

impl Default for CopyRows {
    fn default() -> Self {
        CopyRows { data: Self::HEADER.to_vec(), rows: 0, refused: None }
    }
}

impl CopyRows {
    /// The signature, then no flags and no header extension.
    const HEADER: &'static [u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

    /// Starts a row of `fields` values.
    pub fn row(&mut self, fields: i16) {
        self.data.extend_from_slice(&fields.to_be_bytes());
        self.rows += 1;
    }

    pub fn int(&mut self, v: i64) {
        self.data.extend_from_slice(&8i32.to_be_bytes());
        self.data.extend_from_slice(&v.to_be_bytes());
    }

    pub fn text(&mut self, t: &str) {
        match i32::try_from(t.len()) {
            Ok(len) => {
                self.data.extend_from_slice(&len.to_be_bytes());
                self.data.extend_from_slice(t.as_bytes());
            }
            Err(_) => self.refused = Some("a value is too long for PostgreSQL's COPY"),
        }
    }

    pub fn null(&mut self) {
        self.data.extend_from_slice(&(-1i32).to_be_bytes());
    }

    /// A value for a BIGINT column (`text` false) or a TEXT one (true).
    pub fn value(&mut self, v: Param<'_>, text: bool) {
        match v {
            Param::Null => self.null(),
            Param::Int(i) if text => self.text(&i.to_string()),
            Param::Int(i) => self.int(i),
            Param::Text(t) if text => self.text(t),
            Param::Text(_) => self.refused = Some("a text where COPY expects a number"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    fn clear(&mut self) {
        self.data.truncate(Self::HEADER.len());
        self.rows = 0;
        self.refused = None;
    }
}

/// Which engine a connection talks to; the few places where the SQL must differ ask this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// What a change touched, for servers catching up with it.
#[derive(Debug, Clone, Copy)]
pub enum Touched<'a> {
    /// These reports were written or deleted.
    Reports(&'a [i64]),
    /// What many or all reports mean changed: read everything again.
    Everything,
}

/// More reports than this in one change are recorded as "everything": reading them one by one
/// would be slower than reading all again.
pub const LISTED_CHANGES: usize = 500;
/// How many versions of changes are kept, and how often older ones are deleted.
pub(crate) const KEPT_VERSIONS: i64 = 5_000;
pub(crate) const PRUNE_EVERY: i64 = 100;

pub(crate) enum Conn {
    /// Translated statements are keyed by the address of their static text: hashing the whole SQL
    /// on every call showed up in import profiles.
    Sqlite { conn: rusqlite::Connection, translated: HashMap<usize, String, BuildAddressHasher> },
    Postgres {
        client: Box<postgres::Client>,
        prepared: HashMap<&'static str, postgres::Statement>,
        /// Between `begin` and `commit`/`rollback`: such a connection must not go back to the pool.
        in_transaction: bool,
        /// What the open transaction changed, recorded with its COMMIT ([`Conn::data_changed`]).
        change: Option<Change>,
        /// When the connection last went back to the pool: one back a moment ago was working
        /// then, and is handed out again without a round trip to check it ([`Conn::check`]).
        returned: Option<std::time::Instant>,
    },
}

/// What a PostgreSQL transaction changed, kept until its COMMIT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    Reports(Vec<i64>),
    Everything,
}

impl Change {
    /// `earlier` and `what` together; a long list becomes "everything".
    fn with(earlier: Option<Change>, what: Touched<'_>) -> Change {
        match (earlier, what) {
            (Some(Change::Everything), _) | (_, Touched::Everything) => Change::Everything,
            (None, Touched::Reports(ids)) if ids.len() <= LISTED_CHANGES => Change::Reports(ids.to_vec()),
            (Some(Change::Reports(mut listed)), Touched::Reports(ids))
                if listed.len() + ids.len() <= LISTED_CHANGES =>
            {
                listed.extend_from_slice(ids);
                Change::Reports(listed)
            }
            _ => Change::Everything,
        }
    }

    /// The statements that record the change, then COMMIT, as one simple query. The version row's
    /// lock (which gives out versions in commit order) is then held for the commit alone, not for
    /// a round trip to the client and back as well: under 16 writers, waiting for that lock was
    /// most of every submission's time. Only integers are written into the text.
    fn and_commit(&self) -> String {
        const BUMP: &str = "UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version";
        match self {
            Change::Reports(ids) if ids.is_empty() => format!("{BUMP}; COMMIT"),
            Change::Reports(ids) => {
                let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!(
                    "WITH v AS ({BUMP}) INSERT INTO data_changes (version, report_id) \
                     SELECT version, unnest('{{{}}}'::bigint[]) FROM v RETURNING version; COMMIT",
                    listed.join(",")
                )
            }
            Change::Everything => format!(
                "WITH v AS ({BUMP}) INSERT INTO data_changes (version, report_id) \
                 SELECT version, NULL FROM v RETURNING version; COMMIT"
            ),
        }
    }
}

/// How long after going back to the pool a PostgreSQL connection is trusted without a check.
const TRUSTED_FOR: std::time::Duration = std::time::Duration::from_secs(1);

/// Addresses are already well spread; no need to hash them again.
#[derive(Default, Clone, Copy)]
pub(crate) struct BuildAddressHasher;

pub(crate) struct AddressHasher(u64);

impl std::hash::BuildHasher for BuildAddressHasher {
    type Hasher = AddressHasher;
    fn build_hasher(&self) -> AddressHasher {
        AddressHasher(0)
    }
}

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Rewrites `$1` placeholders as `?1` for SQLite. Dollar signs appear in vjt's SQL only as placeholders.
fn to_sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

impl Conn {
    pub fn sqlite(conn: rusqlite::Connection) -> Conn {
        Conn::Sqlite { conn, translated: Default::default() }
    }

    pub fn postgres(client: postgres::Client) -> Conn {
        Conn::Postgres {
            client: Box::new(client),
            prepared: Default::default(),
            in_transaction: false,
            change: None,
            returned: None,
        }
    }

    /// A round trip for a server connection, unless it was back in the pool less than
    /// [`TRUSTED_FOR`] ago (a request's every store call takes a connection, and checking each
    /// doubled a submission's round trips); nothing for a file. A server that went away in that
    /// moment fails the next statement instead, and that connection is then dropped.
    pub fn check(&mut self) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite { .. } => Ok(()),
            Conn::Postgres { returned: Some(at), .. } if at.elapsed() < TRUSTED_FOR => Ok(()),
            Conn::Postgres { client, .. } => {
                client.is_valid(std::time::Duration::from_secs(5)).map_err(StoreError::from)
            }
        }
    }

    /// SQLite: how long a statement waits for another connection's write lock before it says
    /// busy. Nothing for a server.
    pub fn wait_for_lock(&mut self, wait: std::time::Duration) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite { conn, .. } => conn.busy_timeout(wait).map_err(StoreError::from),
            Conn::Postgres { .. } => Ok(()),
        }
    }

    /// Notes that the connection went back to the pool in working order.
    pub fn returned(&mut self) {
        if let Conn::Postgres { returned, .. } = self {
            *returned = Some(std::time::Instant::now());
        }
    }

    /// Closed, or still inside a transaction: not to be used again.
    pub fn is_broken(&self) -> bool {
        match self {
            Conn::Sqlite { conn, .. } => !conn.is_autocommit(),
            Conn::Postgres { client, in_transaction, .. } => *in_transaction || client.is_closed(),
        }
    }

    /// Records, inside the current transaction, that the data an analysis reads has changed, and
    /// what changed. On SQLite it is written now (the transaction holds the one write lock
    /// anyway); on PostgreSQL inside a transaction, with the COMMIT ([`Change::and_commit`]).
    pub fn data_changed(&mut self, what: Touched<'_>) -> Result<(), StoreError> {
        if let Conn::Postgres { in_transaction: true, change, .. } = self {
            *change = Some(Change::with(change.take(), what));
            return Ok(());
        }
        let row =
            self.query_one("UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version", &[])?;
        let version = row.ok_or_else(|| StoreError::Corrupt("the data version row is missing".into()))?.int(0)?;
        match what {
            Touched::Reports(ids) if ids.len() <= LISTED_CHANGES => {
                for id in ids {
                    self.execute(
                        "INSERT INTO data_changes (version, report_id) VALUES ($1, $2)",
                        &[Value::Int(version), Value::Int(*id)],
                    )?;
                }
            }
            _ => {
                self.execute(
                    "INSERT INTO data_changes (version, report_id) VALUES ($1, NULL)",
                    &[Value::Int(version)],
                )?;
            }
        }
        self.forget_old_changes(version)
    }

    /// Every `PRUNE_EVERY` versions, the changes older than `KEPT_VERSIONS` are deleted.
    fn forget_old_changes(&mut self, version: i64) -> Result<(), StoreError> {
        if version % PRUNE_EVERY == 0 {
            self.execute("DELETE FROM data_changes WHERE version <= $1", &[Value::Int(version - KEPT_VERSIONS)])?;
        }
        Ok(())
    }

    /// Starts a transaction. SQLite takes the write lock up front, so that two writers queue
    /// instead of failing half way.
    pub fn begin(&mut self) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite { conn, .. } => conn.execute_batch("BEGIN IMMEDIATE").map_err(StoreError::from),
            Conn::Postgres { client, in_transaction, .. } => {
                client.batch_execute("BEGIN")?;
                *in_transaction = true;
                Ok(())
            }
        }
    }

    pub fn commit(&mut self) -> Result<(), StoreError> {
        self.end("COMMIT")
    }

    pub fn rollback(&mut self) -> Result<(), StoreError> {
        self.end("ROLLBACK")
    }

    fn end(&mut self, sql: &str) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite { conn, .. } => conn.execute_batch(sql).map_err(StoreError::from),
            Conn::Postgres { client, in_transaction, change, .. } => {
                let Some(recorded) = change.take().filter(|_| sql == "COMMIT") else {
                    client.batch_execute(sql)?;
                    *in_transaction = false;
                    return Ok(());
                };
                // On an error the transaction is still open (and `in_transaction` true), for
                // the caller's rollback.
                let answers = client.simple_query(&recorded.and_commit())?;
                *in_transaction = false;
                let version = answers.iter().find_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(row) => row.get(0).and_then(|v| v.parse::<i64>().ok()),
                    _ => None,
                });
                match version {
                    Some(v) => self.forget_old_changes(v),
                    None => Ok(()),
                }
            }
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Conn::Sqlite { .. } => Engine::Sqlite,
            Conn::Postgres { .. } => Engine::Postgres,
        }
    }

    /// Runs statements without parameters (schema changes, transaction control).
    pub fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite { conn, .. } => conn.execute_batch(sql).map_err(StoreError::from),
            Conn::Postgres { client, .. } => client.batch_execute(sql).map_err(StoreError::from),
        }
    }

    pub fn execute(&mut self, sql: &'static str, params: &[Value]) -> Result<u64, StoreError> {
        match self {
            Conn::Sqlite { conn, translated } => {
                let text = translated.entry(sql.as_ptr() as usize).or_insert_with(|| to_sqlite_placeholders(sql));
                let mut stmt = conn.prepare_cached(text)?;
                Ok(stmt.execute(rusqlite::params_from_iter(params.iter()))? as u64)
            }
            Conn::Postgres { client, prepared, .. } => {
                let stmt = pg_statement(client, prepared, sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                Ok(client.execute(&stmt, &refs)?)
            }
        }
    }

    pub fn query(&mut self, sql: &'static str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        match self {
            Conn::Sqlite { conn, translated } => {
                let text = translated.entry(sql.as_ptr() as usize).or_insert_with(|| to_sqlite_placeholders(sql));
                let mut stmt = conn.prepare_cached(text)?;
                let width = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(width);
                    for i in 0..width {
                        use rusqlite::types::ValueRef;
                        values.push(match row.get_ref(i)? {
                            ValueRef::Null => Value::Null,
                            ValueRef::Integer(v) => Value::Int(v),
                            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                            ValueRef::Real(_) | ValueRef::Blob(_) => {
                                return Err(StoreError::Corrupt(format!("column {i} holds a value vjt never writes")))
                            }
                        });
                    }
                    out.push(Row(values));
                }
                Ok(out)
            }
            Conn::Postgres { client, prepared, .. } => {
                let stmt = pg_statement(client, prepared, sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                let rows = client.query(&stmt, &refs)?;
                rows.iter().map(pg_row).collect()
            }
        }
    }

    /// Runs an INSERT and returns the new row's id: SQLite's last_insert_rowid (cheaper than a
    /// RETURNING result set), PostgreSQL's RETURNING. `returning` is `sql` with "RETURNING id".
    pub fn insert_returning_id(
        &mut self,
        sql: &'static str,
        returning: &'static str,
        params: &[Value],
    ) -> Result<i64, StoreError> {
        match self {
            Conn::Sqlite { .. } => {
                self.execute(sql, params)?;
                match self {
                    Conn::Sqlite { conn, .. } => Ok(conn.last_insert_rowid()),
                    Conn::Postgres { .. } => unreachable!("matched SQLite above"),
                }
            }
            Conn::Postgres { .. } => self
                .query_one(returning, params)?
                .ok_or_else(|| StoreError::Database("insert returned no id".into()))?
                .int(0),
        }
    }

    /// PostgreSQL only: writes the rows queued in `rows` with `copy` (a `COPY ... FROM STDIN
    /// (FORMAT binary)`), all in one round trip, and empties `rows` for the next batch.
    pub fn copy_rows(&mut self, copy: &str, rows: &mut CopyRows) -> Result<(), StoreError> {
        let written = self.copy_rows_once(copy, rows);
        rows.clear();
        written
    }

    fn copy_rows_once(&mut self, copy: &str, rows: &mut CopyRows) -> Result<(), StoreError> {
        use std::io::Write;
        let Conn::Postgres { client, .. } = self else {
            return Err(StoreError::Database("COPY is PostgreSQL's".into()));
        };
        if let Some(why) = rows.refused {
            return Err(StoreError::Database(why.into()));
        }
        rows.data.extend_from_slice(&(-1i16).to_be_bytes());
        let mut sink = client.copy_in(copy)?;
        sink.write_all(&rows.data).map_err(|e| StoreError::Database(e.to_string()))?;
        sink.finish()?;
        Ok(())
    }

    /// Inserts rows of `width` values each into `table (columns)` with statements of many rows
    /// (SQLite; PostgreSQL imports use COPY). One statement per row costs a statement-cache
    /// look-up, a reset and a step per row: most of an import's writing time.
    pub fn insert_rows(&mut self, table: &str, width: usize, values: &[Param<'_>]) -> Result<(), StoreError> {
        let Conn::Sqlite { conn, .. } = self else {
            return Err(StoreError::Database("many-row INSERTs are SQLite's; PostgreSQL uses COPY".into()));
        };
        // Well under SQLite's 32,766 bound variables, and large enough that the per-statement
        // cost no longer shows.
        let per_statement = (1000 / width).max(1);
        // OR FAIL: a many-row INSERT that may abort keeps a statement journal, a copy of each
        // page it first touches, so that it can undo itself alone; this one's callers undo their
        // whole transaction on any error, so that copy was never used (a fifth of an import's
        // writing thread, counted by callgrind).
        let statement = |rows: usize| {
            let row = format!("({})", vec!["?"; width].join(", "));
            format!("INSERT OR FAIL INTO {table} VALUES {}", vec![row; rows].join(", "))
        };
        let mut chunks = values.chunks_exact(width * per_statement);
        {
            let mut stmt = BorrowingStatement::prepare(conn, &statement(per_statement))?;
            for chunk in chunks.by_ref() {
                stmt.execute(chunk)?;
            }
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            BorrowingStatement::prepare(conn, &statement(rest.len() / width))?.execute(rest)?;
        }
        Ok(())
    }

    pub fn query_one(&mut self, sql: &'static str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Streams the rows of a query to `each` without copying their values (text is borrowed from
    /// the row), for readers of millions of rows.
    pub fn scan(
        &mut self,
        sql: &'static str,
        params: &[Value],
        mut each: impl FnMut(&ScanRow<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite { conn, translated } => {
                let text = translated.entry(sql.as_ptr() as usize).or_insert_with(|| to_sqlite_placeholders(sql));
                let mut stmt = conn.prepare_cached(text)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                while let Some(row) = rows.next()? {
                    each(&ScanRow::Sqlite(row))?;
                }
                Ok(())
            }
            Conn::Postgres { client, prepared, .. } => {
                let stmt = pg_statement(client, prepared, sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                let mut rows = client.query_raw(&stmt, refs)?;
                use postgres::fallible_iterator::FallibleIterator;
                while let Some(row) = rows.next()? {
                    each(&ScanRow::Postgres(&row))?;
                }
                Ok(())
            }
        }
    }

    /// Runs `work` in one transaction: all of it lands, or none of it. An error, or a panic
    /// unwinding through `work`, rolls back.
    pub fn transaction<T>(&mut self, work: impl FnOnce(&mut Conn) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.begin()?;
        let mut open = Transaction { conn: self, done: false };
        let value = work(open.conn)?;
        open.conn.commit()?;
        open.done = true;
        Ok(value)
    }
}

/// Rolls back on drop unless committed.
struct Transaction<'c> {
    conn: &'c mut Conn,
    done: bool,
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            // The original error (or panic) matters more than a failed rollback.
            let _ = self.conn.rollback();
        }
    }
}

fn pg_statement(
    client: &mut postgres::Client,
    prepared: &mut HashMap<&'static str, postgres::Statement>,
    sql: &'static str,
) -> Result<postgres::Statement, StoreError> {
    if let Some(stmt) = prepared.get(sql) {
        return Ok(stmt.clone());
    }
    let stmt = client.prepare(sql)?;
    prepared.insert(sql, stmt.clone());
    Ok(stmt)
}

fn pg_row(row: &postgres::Row) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let ty = col.type_();
        let value = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?.map_or(Value::Null, Value::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?.map_or(Value::Null, |v| Value::Int(v.into()))
        } else if *ty == Type::TEXT || *ty == Type::VARCHAR {
            row.try_get::<_, Option<String>>(i)?.map_or(Value::Null, Value::Text)
        } else {
            return Err(StoreError::Corrupt(format!("column {} has type {ty}, which vjt never writes", col.name())));
        };
        values.push(value);
    }
    Ok(Row(values))
}

/// A row being streamed by [`Conn::scan`]: values are read in place.
pub(crate) enum ScanRow<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

impl ScanRow<'_> {
    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i}: expected a number, found nothing")))
    }
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self {
            ScanRow::Sqlite(r) => match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Ok(None),
                rusqlite::types::ValueRef::Integer(v) => Ok(Some(v)),
                other => Err(StoreError::Corrupt(format!("column {i}: expected a number, found {other:?}"))),
            },
            ScanRow::Postgres(r) => Ok(r.try_get::<_, Option<i64>>(i)?),
        }
    }
    pub fn text(&self, i: usize) -> Result<&str, StoreError> {
        self.opt_text(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i}: expected text, found nothing")))
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<&str>, StoreError> {
        match self {
            ScanRow::Sqlite(r) => match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Ok(None),
                rusqlite::types::ValueRef::Text(t) => std::str::from_utf8(t)
                    .map(Some)
                    .map_err(|_| StoreError::Corrupt(format!("column {i} is not UTF-8"))),
                other => Err(StoreError::Corrupt(format!("column {i}: expected text, found {other:?}"))),
            },
            ScanRow::Postgres(r) => Ok(r.try_get::<_, Option<&str>>(i)?),
        }
    }
}

/// An SQLite statement whose text parameters are read from the caller's strings where they are,
/// for the many-row INSERTs of imports. rusqlite binds every text as SQLITE_TRANSIENT, which makes
/// SQLite allocate, copy and free it: a sixth of an import's writing thread (callgrind). This
/// binds with SQLITE_STATIC instead. That is sound because SQLite reads a bound value only when
/// the statement steps, and `execute` binds every parameter afresh before each step: a pointer
/// left from an earlier call is never read again, and none outlives the statement.
struct BorrowingStatement<'c> {
    conn: &'c rusqlite::Connection,
    stmt: *mut rusqlite::ffi::sqlite3_stmt,
    parameters: usize,
}

impl<'c> BorrowingStatement<'c> {
    fn prepare(conn: &'c rusqlite::Connection, sql: &str) -> Result<Self, StoreError> {
        use rusqlite::ffi;
        let mut stmt = std::ptr::null_mut();
        // SAFETY: the handle is this open connection's, alive for 'c; the text and its length
        // are a valid &str, which SQLite reads only during the call.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                conn.handle(),
                sql.as_ptr().cast(),
                i32::try_from(sql.len()).map_err(|_| StoreError::Database("statement too long".into()))?,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        let mut prepared = BorrowingStatement { conn, stmt, parameters: 0 };
        if rc != ffi::SQLITE_OK {
            return Err(prepared.error(rc));
        }
        // SAFETY: a live prepared statement.
        prepared.parameters = usize::try_from(unsafe { ffi::sqlite3_bind_parameter_count(stmt) }).unwrap_or(0);
        Ok(prepared)
    }

    /// Binds `values` to all the parameters in order and runs the statement once.
    fn execute(&mut self, values: &[Param<'_>]) -> Result<(), StoreError> {
        use rusqlite::ffi;
        if values.len() != self.parameters {
            return Err(StoreError::Database(format!(
                "{} values for a statement of {} parameters",
                values.len(),
                self.parameters
            )));
        }
        let mut rc = ffi::SQLITE_OK;
        for (i, value) in values.iter().enumerate() {
            let n = i32::try_from(i + 1).map_err(|_| StoreError::Database("too many values".into()))?;
            // SAFETY: `stmt` is a live prepared statement; a text's pointer and length are a
            // valid &str that outlives the step below, and every parameter is bound again
            // before any later step.
            rc = unsafe {
                match value {
                    Param::Null => ffi::sqlite3_bind_null(self.stmt, n),
                    Param::Int(v) => ffi::sqlite3_bind_int64(self.stmt, n, *v),
                    Param::Text(t) => ffi::sqlite3_bind_text64(
                        self.stmt,
                        n,
                        t.as_ptr().cast(),
                        t.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                break;
            }
        }
        if rc == ffi::SQLITE_OK {
            // SAFETY: as above.
            rc = unsafe { ffi::sqlite3_step(self.stmt) };
        }
        let result = if rc == ffi::SQLITE_DONE || rc == ffi::SQLITE_OK { Ok(()) } else { Err(self.error(rc)) };
        // SAFETY: as above.
        unsafe {
            ffi::sqlite3_reset(self.stmt);
        }
        result
    }

    fn error(&self, rc: std::ffi::c_int) -> StoreError {
        // SAFETY: the connection is open; SQLite's message is a NUL-terminated string it owns
        // until the next call on this connection, and is copied at once.
        let message = unsafe {
            let text = rusqlite::ffi::sqlite3_errmsg(self.conn.handle());
            (!text.is_null()).then(|| std::ffi::CStr::from_ptr(text).to_string_lossy().into_owned())
        };
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rc), message).into()
    }
}

impl Drop for BorrowingStatement<'_> {
    fn drop(&mut self) {
        // SAFETY: finalising a null or live statement is allowed, and it is not used after.
        unsafe {
            rusqlite::ffi::sqlite3_finalize(self.stmt);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_become_sqlite_numbered_parameters() {
        assert_eq!(super::to_sqlite_placeholders("a = $1 AND b = $12"), "a = ?1 AND b = ?12");
        assert_eq!(super::to_sqlite_placeholders("price$ = 'x'"), "price$ = 'x'");
    }

    fn params(values: &[super::Value]) -> Vec<super::Param<'_>> {
        use super::{Param, Value};
        values
            .iter()
            .map(|v| match v {
                Value::Null => Param::Null,
                Value::Int(i) => Param::Int(*i),
                Value::Text(t) => Param::Text(t),
            })
            .collect()
    }

    fn sqlite() -> super::Conn {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT NOT NULL UNIQUE)").unwrap();
        super::Conn::sqlite(conn)
    }

    #[test]
    fn many_rows_are_inserted_with_their_texts_as_they_were() {
        use super::Value::{Int, Null, Text};
        let mut conn = sqlite();
        // More rows than one statement takes (333 of width 3), so a full statement and the rest
        // both run; texts borrowed in place must arrive whole, with their non-ASCII and empty ones.
        let rows: Vec<super::Value> = (0..1000)
            .flat_map(|i| {
                let a = if i % 3 == 0 { Null } else { Text(format!("Kwa Mzee → {i}")) };
                [Int(i), a, Text(if i == 7 { String::new() } else { format!("b{i}") })]
            })
            .collect();
        conn.insert_rows("t", 3, &params(&rows)).unwrap();
        let back = conn.query("SELECT id, a, b FROM t ORDER BY id", &[]).unwrap();
        assert_eq!(back.len(), 1000);
        for (i, row) in back.iter().enumerate() {
            assert_eq!(row.int(0).unwrap(), i as i64);
            assert_eq!(row.opt_text(1).unwrap(), (i % 3 != 0).then(|| format!("Kwa Mzee → {i}")).as_deref());
            assert_eq!(row.text(2).unwrap(), if i == 7 { String::new() } else { format!("b{i}") });
        }
    }

    #[test]
    fn a_many_row_insert_that_breaks_a_rule_says_which() {
        use super::Value::{Int, Text};
        let mut conn = sqlite();
        let rows = [Int(1), Text("x".into()), Text("same".into()), Int(2), Text("y".into()), Text("same".into())];
        let error = conn.insert_rows("t", 3, &params(&rows)).unwrap_err().to_string();
        assert!(error.contains("UNIQUE constraint failed: t.b"), "{error}");
        // The connection goes on working, and a statement after the failed one is right.
        conn.insert_rows("t", 3, &params(&[Int(3), Text("z".into()), Text("other".into())])).unwrap();
        assert_eq!(conn.query("SELECT b FROM t WHERE id = 3", &[]).unwrap()[0].text(0).unwrap(), "other");
    }
}
