package org.zhice.shared.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.FileSystemUtils;
import org.springframework.util.StringUtils;

/**
 * The system of record is PostgreSQL: a server named by {@code ZHICE_DB_URL} in production,
 * otherwise an embedded PostgreSQL 17 that the application starts itself with its data under
 * {@code zhice.data-dir} (default {@code ./data}), so that data survives a restart, also a
 * restart after the JVM was killed ({@link OrphanedPostmaster}).
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemDefaultZone();
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(
            @Value("${zhice.db.url:}") String url,
            @Value("${zhice.db.user:}") String user,
            @Value("${zhice.db.password:}") String password,
            @Value("${zhice.db.pool-size:10}") int poolSize,
            EmbeddedDatabase embedded) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("zhice");
        config.setMaximumPoolSize(poolSize);
        if (StringUtils.hasText(url)) {
            config.setJdbcUrl(url);
            config.setUsername(user);
            config.setPassword(password);
        } else {
            config.setJdbcUrl(embedded.jdbcUrl());
            config.setUsername("postgres");
        }
        return new HikariDataSource(config);
    }

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(
            @Value("${zhice.db.url:}") String url,
            @Value("${zhice.data-dir:./data}") String dataDir,
            @Value("${zhice.db.embedded.port:0}") int port,
            @Value("${zhice.db.embedded.clean:false}") boolean clean,
            @Value("${zhice.db.embedded.shared-buffers:512MB}") String sharedBuffers) throws IOException {
        if (StringUtils.hasText(url)) {
            return EmbeddedDatabase.NONE;
        }
        Path pgData = Path.of(dataDir).toAbsolutePath().normalize().resolve("postgres");
        // a server left running by a JVM that was killed still holds the folder: stop it first
        OrphanedPostmaster.stop(pgData, Duration.ofSeconds(60));
        if (clean) {
            FileSystemUtils.deleteRecursively(pgData);
        }
        Files.createDirectories(pgData.getParent());
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                .setServerConfig("timezone", "Asia/Shanghai")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                // PostgreSQL's default of 128MB is small for a journal or a day of usage events
                // of a few hundred MB: the writing backends end up evicting dirty pages themselves
                .setServerConfig("shared_buffers", sharedBuffers)
                // fewer checkpoints under bulk writes (each one makes the next write of every page
                // a full-page image in the WAL); crash recovery replays at most this much WAL
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("checkpoint_timeout", "15min");
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        Path portFile = pgData.getParent().resolve("postgres.port");
        Files.writeString(portFile, Integer.toString(postgres.getPort()), StandardCharsets.UTF_8);
        log.info("embedded PostgreSQL started on port {} with data in {}", postgres.getPort(), pgData);
        return new EmbeddedDatabase(postgres);
    }

    /** Owns the embedded server so that it stops after the connection pool has closed. */
    static final class EmbeddedDatabase implements AutoCloseable {
        static final EmbeddedDatabase NONE = new EmbeddedDatabase(null);
        private final EmbeddedPostgres postgres;

        EmbeddedDatabase(EmbeddedPostgres postgres) {
            this.postgres = postgres;
        }

        String jdbcUrl() {
            return postgres.getJdbcUrl("postgres", "postgres");
        }

        @Override
        public void close() throws IOException {
            if (postgres != null) {
                postgres.close();
            }
        }
    }
}
