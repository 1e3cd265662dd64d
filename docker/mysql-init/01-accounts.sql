-- Runs once, when the MySQL container starts on an empty data volume (docker-entrypoint-initdb.d).
-- The same database, accounts and grants as bootstrapSql() in src/stack/services/mariadb.ts, in
-- MySQL 8 terms: accounts are '%' because clients are other containers, and REPLICATION CLIENT
-- already covers what MariaDB splits out as BINLOG MONITOR.
CREATE DATABASE IF NOT EXISTS `shop` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
-- The example library schema (migrations/library), served with GATEWAY_SCHEMA=library.
CREATE DATABASE IF NOT EXISTS `library` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE USER IF NOT EXISTS 'gateway'@'%' IDENTIFIED BY 'gateway';
CREATE USER IF NOT EXISTS 'shop'@'%' IDENTIFIED BY 'shop';
-- Debezium connects with database.ssl.mode=disable. Over a plain connection MySQL Connector/J
-- cannot complete caching_sha2_password authentication unless allowPublicKeyRetrieval is set,
-- which the shared connector configuration does not do, so this account uses
-- mysql_native_password (enabled in docker-compose.yml with --mysql-native-password=ON).
CREATE USER IF NOT EXISTS 'debezium'@'%' IDENTIFIED WITH mysql_native_password BY 'debezium';

GRANT SELECT ON `shop`.* TO 'gateway'@'%';
GRANT SELECT ON `shop\_test\_%`.* TO 'gateway'@'%';
GRANT ALL PRIVILEGES ON `shop`.* TO 'shop'@'%';
GRANT SELECT ON `library`.* TO 'gateway'@'%';
GRANT ALL PRIVILEGES ON `library`.* TO 'shop'@'%';
GRANT ALL PRIVILEGES ON `shop\_test\_%`.* TO 'shop'@'%';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'debezium'@'%';
FLUSH PRIVILEGES;
