package org.zhice.demo;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.identity.ApiTokens;
import org.zhice.identity.Role;
import org.zhice.identity.Users;
import org.zhice.policy.ProgramCatalog;
import org.zhice.registry.Registry;
import org.zhice.registry.RegistryDemo;
import org.zhice.pool.PoolDemo;
import org.zhice.voucher.VoucherDemo;

/**
 * Loads the demo on the first start of an empty database. The demo accounts and tokens are
 * documented in the README; they exist only where demo data is switched on.
 */
@Component
@Profile("!command")
@ConditionalOnProperty(name = "zhice.demo.enabled", havingValue = "true")
class DemoData implements ApplicationRunner {

    static final String PASSWORD = "zhice-demo";
    static final String PROVIDER_TOKEN = "zt_demo_provider_0000000000000000000000000000";

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Users users;
    private final ApiTokens tokens;
    private final Clock clock;
    private final RegistryDemo registryDemo;
    private final Registry registry;
    private final ProgramCatalog programs;
    private final PoolDemo pool;
    private final VoucherDemo vouchers;

    DemoData(JdbcClient jdbc, TransactionTemplate tx, Users users, ApiTokens tokens, Clock clock,
             RegistryDemo registryDemo, Registry registry, ProgramCatalog programs, PoolDemo pool,
             VoucherDemo vouchers) {
        this.vouchers = vouchers;
        this.registryDemo = registryDemo;
        this.registry = registry;
        this.pool = pool;
        this.programs = programs;
        this.jdbc = jdbc;
        this.tx = tx;
        this.users = users;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        boolean loaded = jdbc.sql("select exists (select 1 from demo_load)").query(Boolean.class).single();
        if (loaded) {
            log.info("demo data already loaded; leaving the database as it is");
            return;
        }
        long started = System.nanoTime();
        // each module loads its part in its own transactions (the ledger commits through its writer)
        load();
        tx.executeWithoutResult(status -> jdbc.sql("insert into demo_load (id, loaded_at) values (1, :at) on conflict do nothing")
                .param("at", OffsetDateTime.now(clock))
                .update());
        log.info("demo data loaded in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private void load() {
        RegistryDemo.DemoParties parties = registryDemo.load();
        ProgramCatalog.Load presets = programs.loadPresets();
        if (!presets.ok()) {
            throw new IllegalStateException("demo programs do not load: " + presets.errors());
        }
        String enterprise = parties.showcaseEnterprise();
        String provider = parties.showcaseProvider();
        List<String> enterprises = new ArrayList<>(List.of(enterprise));
        registry.usccsOfKind("enterprise").stream().filter(u -> !u.equals(enterprise)).forEach(enterprises::add);
        List<String> providers = registry.usccsOfKind("provider");
        pool.load(providers, enterprises);
        vouchers.load(providers, enterprises, parties);
        users.create("office", PASSWORD, "王敏(项目办)", Role.PROGRAM_OFFICE, null);
        users.create("reviewer", PASSWORD, "李强(初审)", Role.REVIEWER, null);
        users.create("approver", PASSWORD, "陈静(审批)", Role.APPROVER, null);
        users.create("auditor", PASSWORD, "赵磊(审计)", Role.AUDITOR, null);
        users.create("enterprise", PASSWORD, "周婷(企业)", Role.ENTERPRISE, enterprise);
        long providerUser = users.create("provider", PASSWORD, "孙浩(服务商)", Role.PROVIDER, provider);
        tokens.issueKnown(providerUser, "demo usage push", PROVIDER_TOKEN);
    }
}
