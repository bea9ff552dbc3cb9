namespace Appliance.Host.Storage;

/// <summary>Schema migrations, in order. Never edit a released one: add the next.</summary>
public static class Migrations
{
    public static readonly IReadOnlyList<(int Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                category TEXT NOT NULL,
                source TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                data TEXT NOT NULL
            );
            CREATE INDEX events_type ON events(type, seq);
            CREATE TABLE subscriptions (
                name TEXT PRIMARY KEY,
                types TEXT NOT NULL,
                cursor INTEGER NOT NULL,
                delivered INTEGER NOT NULL DEFAULT 0,
                failures INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE plugins (
                id TEXT PRIMARY KEY,
                enabled INTEGER NOT NULL,
                removed INTEGER NOT NULL DEFAULT 0,
                version TEXT,
                config TEXT,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until TEXT,
                created_at TEXT NOT NULL
            );
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY,
                user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                label TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_used_at TEXT
            );
            """),
        (2, """
            CREATE TABLE cameras (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                enabled INTEGER NOT NULL,
                stream_uri TEXT,
                onvif_uri TEXT,
                username TEXT,
                password_secret TEXT,
                overrides TEXT NOT NULL,
                source TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            """),
        (3, """
            ALTER TABLE users ADD COLUMN digest_secret TEXT;
            ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local';
            ALTER TABLE users ADD COLUMN password_changed_at TEXT;
            ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
            ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY,
                user_name TEXT NOT NULL,
                source TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                ended_at TEXT,
                end_reason TEXT
            );
            CREATE INDEX sessions_user ON sessions(user_name);
            """),
        (4, """
            CREATE TABLE rules (
                id TEXT PRIMARY KEY,
                json TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            """),
    ];
}
