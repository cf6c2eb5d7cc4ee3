package org.zhice.voucher;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.zhice.policy.Program;
import org.zhice.registry.Registry;
import org.zhice.registry.RelatedPath;
import org.zhice.rules.PricedLine;

/**
 * What a reviewer should look at twice, beside each item of the queue. Flags decide nothing (the
 * rules do); each names what it saw, as a message key of {@code i18n/voucher} with arguments.
 */
@Component
public class RiskFlags {

    /** Looked for beyond the rule's 2 relations, to show indirect links too. */
    static final int PATH_EDGES = 3;
    static final int NEAR_CAP_PERCENT = 80;
    static final int NEW_ENTERPRISE_DAYS = 365;
    static final int BURST_DAYS = 7;
    static final int BURST_COUNT = 3;

    public record Flag(String code, Object... args) {
    }

    /** The flags and, when there is one, the shortest relation path between applicant and provider. */
    public record Assessment(List<Flag> flags, Optional<RelatedPath> path) {
    }

    private final Registry registry;
    private final Applications applications;
    private final JdbcClient jdbc;

    RiskFlags(Registry registry, Applications applications, JdbcClient jdbc) {
        this.registry = registry;
        this.applications = applications;
        this.jdbc = jdbc;
    }

    Assessment of(ApplicationRecord application, Eligibility.Facts facts) {
        List<Flag> flags = new ArrayList<>();
        Program program = facts.program();
        Optional<RelatedPath> path = Optional.empty();
        if (facts.contract() != null) {
            String provider = facts.contract().contract().providerUscc();
            path = registry.relatedPath(application.enterpriseUscc(), provider, PATH_EDGES);
            path.ifPresent(p -> flags.add(new Flag(p.edges() <= Eligibility.RELATED_EDGES
                    ? "voucher.flag.related" : "voucher.flag.relatedIndirect", p.edges())));
            if (facts.contract().source() == ContractFacts.Source.UPLOAD) {
                flags.add(new Flag("voucher.flag.offPlatform"));
            }
            for (PricedLine line : facts.lines()) {
                if (line.listed() && line.line().unitPriceFen() > line.listing().referencePriceFen()) {
                    flags.add(new Flag("voucher.flag.aboveReference", line.line().sku(),
                            new VoucherText.Amount(line.line().unitPriceFen()),
                            new VoucherText.Amount(line.listing().referencePriceFen())));
                }
            }
            int others = jdbc.sql("""
                            select count(*) from voucher_application
                            where contract_id = :c and id <> :id and stage <> 'decided'""")
                    .param("c", application.contractId()).param("id", application.id())
                    .query(Integer.class).single();
            if (others > 0) {
                flags.add(new Flag("voucher.flag.sameContract", others));
            }
        }
        long used = applications.usedCapFen(program.id(), application.enterpriseUscc());
        long cap = program.perEnterpriseCapFen();
        if (cap > 0 && (used + facts.requestFen()) * 100 > cap * NEAR_CAP_PERCENT) {
            flags.add(new Flag("voucher.flag.nearCap", new VoucherText.Amount(used),
                    new VoucherText.Amount(facts.requestFen()), new VoucherText.Amount(cap)));
        }
        if (facts.enterprise() != null && facts.enterprise().foundedOn() != null) {
            long age = ChronoUnit.DAYS.between(facts.enterprise().foundedOn(),
                    Clocks.dateOf(application.submittedAt()));
            if (age >= 0 && age < NEW_ENTERPRISE_DAYS) {
                flags.add(new Flag("voucher.flag.newEnterprise", facts.enterprise().foundedOn()));
            }
        }
        int recent = applications.recentCount(application.enterpriseUscc(), application.submittedAt(), BURST_DAYS);
        if (recent >= BURST_COUNT) {
            flags.add(new Flag("voucher.flag.burst", recent, BURST_DAYS));
        }
        owedElsewhere(program.id(), application.enterpriseUscc(), flags);
        return new Assessment(flags, path);
    }

    List<Flag> of(RedemptionRecord redemption, ApplicationRecord application) {
        List<Flag> flags = new ArrayList<>();
        if ("provider_deducts".equals(redemption.mode())) {
            flags.add(new Flag("voucher.flag.providerFiled"));
        }
        if (application.leftFen() > 0 && redemption.rawFen() * 100 >= application.leftFen() * 90) {
            flags.add(new Flag("voucher.flag.usesReservation", new VoucherText.Amount(redemption.rawFen()),
                    new VoucherText.Amount(application.leftFen())));
        }
        if (redemption.last()) {
            flags.add(new Flag("voucher.flag.final", new VoucherText.Amount(application.leftFen())));
        }
        if (redemption.rawFen() == 0) {
            flags.add(new Flag("voucher.flag.noUsage"));
        }
        owedElsewhere(redemption.programId(), redemption.enterpriseUscc(), flags);
        return flags;
    }

    private void owedElsewhere(String programId, String enterpriseUscc, List<Flag> flags) {
        long owed = receivableElsewhereFen(programId, enterpriseUscc);
        if (owed > 0) {
            flags.add(new Flag("voucher.flag.receivableElsewhere", new VoucherText.Amount(owed)));
        }
    }

    /**
     * What the enterprise still owes other programs: clawed back there and not yet offset against
     * its subsidies there. Never offset here (each program is its own budget, see docs/vouchers.md),
     * but the reviewer should know.
     */
    long receivableElsewhereFen(String programId, String enterpriseUscc) {
        return jdbc.sql("""
                        select coalesce((select sum(amount_fen) from voucher_clawback
                                         where enterprise_uscc = :e and program_id <> :p), 0)
                             - coalesce((select sum(l.offset_fen) from voucher_disbursement_line l
                                         join voucher_redemption r on r.id = l.redemption_id
                                         where r.enterprise_uscc = :e and r.program_id <> :p), 0)""")
                .param("e", enterpriseUscc).param("p", programId).query(Long.class).single();
    }
}
