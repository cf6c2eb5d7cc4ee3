package org.zhice.ledger;

import java.time.Clock;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.zhice.audit.AuditLog;

/** Wires the ledger's single writer; it starts and stops with the application context. */
@Configuration(proxyBeanMethods = false)
class LedgerConfiguration {

    @Bean
    BatchWriter ledgerBatchWriter(Clock clock, AuditLog audit, DataSource dataSource,
                                  PlatformTransactionManager transactionManager) {
        return new BatchWriter(new BatchApplier(clock, audit), dataSource, transactionManager);
    }
}
