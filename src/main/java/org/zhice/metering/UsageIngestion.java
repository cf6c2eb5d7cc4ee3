package org.zhice.metering;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionAspectSupport;
import org.zhice.audit.AuditLog;
import org.zhice.metering.IngestResult.LineResult;
import org.zhice.metering.IngestResult.Outcome;
import org.zhice.rules.CapacitySweep;
import org.zhice.rules.CatalogRow;
import org.zhice.rules.Fen;
import org.zhice.rules.PricedLine;
import org.zhice.rules.ShanghaiTime;
import org.zhice.rules.Unit;
import org.zhice.rules.UsageChecks;
import org.zhice.rules.UsageReason;

/**
 * Stores one upload of usage events with a verdict for each, in one transaction: the API, the
 * provider portal, {@link Metering#ingest} and {@code bench/ingest} all come through here.
 *
 * <p>The provider's uploads are serialised by a transaction-scoped advisory lock, because checks
 * 5 and 6 depend on what the provider had accepted before. Under it: the idempotency key is looked
 * up (the same key and body answer the stored result again); checks run in Java over the whole
 * batch, as if no event were a duplicate (the {@code COPY}'s unique key finds any, and then the
 * upload is checked again under a savepoint with the events stored under its
 * {@code (provider, event_id)} found in one query: a duplicate or an id reused with another body
 * is a line problem), 5–6 per SKU in
 * {@code (start, event_id)} order against the events already accepted; then the events go in with
 * one binary {@code COPY}, and the line totals, the superseded events, the line problems and the
 * audit entry with a few set-based statements. The unique key {@code (provider_no, event_id)}
 * holds even if all of that were wrong: the {@code COPY} would fail and nothing would be stored.
 */
@Service
class UsageIngestion {

    /** Lines per upload: usage ids are upload id × 2^20 + line number. */
    static final int MAX_LINES = 100_000;
    static final int LINE_BITS = 20;
    /** Events per usage_range row at most. */
    static final int RUN_LENGTH = 64;
    private static final int LOCK_NAMESPACE = 0x6d657465; // "mete"
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    static final String COPY_COLUMNS = "usage_id, line_no, provider_no, event_id, contract_id, sku, units, "
            + "quantity_micros, start_ns, end_ns, adjusts_event_id, status, reason, amount_fen, in_capacity";
    private static final int COPY_FIELDS = 15;

    /** {@code -Dzhice.metering.profile=true} prints the time of each phase of every upload. */
    static final boolean PROFILE = Boolean.getBoolean("zhice.metering.profile");
    /** Profiling only: CPU ticks of the PostgreSQL backend per phase, over all uploads. */
    static final Map<String, java.util.concurrent.atomic.AtomicLong> PG_TICKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final byte[] STATUS_ACCEPTED = "accepted".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATUS_REJECTED = "rejected".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATUS_WITHDRAWAL = "withdrawal".getBytes(StandardCharsets.US_ASCII);

    private static final byte PENDING = 0;
    private static final byte ACCEPTED = 1;
    private static final byte REJECTED = 2;
    private static final byte WITHDRAWAL = 3;
    private static final byte PROBLEM = 4;

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final LineDirectory directory;
    private final AuditLog audit;
    private final Clock clock;
    private final long lateNanos;
    private final long skewNanos;

    UsageIngestion(JdbcClient jdbc, DataSource dataSource, LineDirectory directory, AuditLog audit, Clock clock,
                   @Value("${zhice.metering.late-days:30}") int lateDays,
                   @Value("${zhice.metering.clock-skew-seconds:300}") int skewSeconds) {
        if (lateDays < 0 || skewSeconds < 0) {
            throw new IllegalArgumentException("zhice.metering.late-days and clock-skew-seconds must not be negative");
        }
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.directory = directory;
        this.audit = audit;
        this.clock = clock;
        this.lateNanos = lateDays * NANOS_PER_DAY;
        this.skewNanos = skewSeconds * 1_000_000_000L;
    }

    /** Who sends what: the acting provider, the user, how it came and the idempotency key (or null). */
    record Upload(String providerUscc, String actor, String channel, String idempotencyKey, byte[] bodySha256,
                  String format, String fileName) {
    }

    /** GPUs in use on one SKU as events join: the check of spec §4.5. */
    private interface Capacity {
        /** Joins the event unless it would take more than {@code capacity} GPUs (NO_CAPACITY: no check). */
        boolean admit(long start, long end, int gpus, long capacity);

        /** Adds (or, negative, takes out) GPUs on an interval: corrections only. */
        void add(long start, long end, long gpus);
    }

    /** The COPY met an event stored before under the same (provider, event id). */
    private static final class StoredBefore extends RuntimeException {
        StoredBefore(Throwable cause) {
            super("an event of the upload was stored before", cause, false, false);
        }
    }

    /** The same idempotency key came with another body. */
    static final class KeyConflict extends RuntimeException {
        final String key;

        KeyConflict(String key) {
            super("idempotency key " + key + " was used with another body");
            this.key = key;
        }
    }

    /** A stored event with the same (provider, event id) as one in the batch, or one an adjustment names. */
    private record Stored(long usageId, String eventId, String contractId, String sku, int units, long quantityMicros,
                          long startNanos, long endNanos, String adjusts, String status, boolean inCapacity,
                          String countedBy, boolean disputed) {
        int gpus() {
            return Math.max(units, 0);
        }
    }

    /** The first key of an upload's range; its events take the next ones. */
    static long firstUsageId(long uploadId) {
        return uploadId << LINE_BITS;
    }

    @Transactional
    IngestResult ingest(Upload upload, UsageBatch batch) {
        return ingest(upload, batch, OffsetDateTime.now(clock));
    }

    /**
     * As {@link #ingest(Upload, UsageBatch)}, the upload taken as received at {@code receivedAt}
     * (not after the clock's now): the late window and "not yet ended" are judged from then.
     * Only {@link Metering#ingestReceivedAt} calls it, to load a past year (the demo).
     */
    @Transactional
    IngestResult ingest(Upload upload, UsageBatch batch, OffsetDateTime receivedAt) {
        String provider = upload.providerUscc();
        jdbc.sql("select 1 from (select pg_advisory_xact_lock(:ns, hashtext(:p))) locked")
                .param("ns", LOCK_NAMESPACE).param("p", provider).query(Integer.class).single();
        if (upload.idempotencyKey() != null) {
            var earlier = jdbc.sql("""
                    select id, body_sha256 from metering_upload where provider_uscc = :p and idempotency_key = :k
                    """)
                    .param("p", provider).param("k", upload.idempotencyKey())
                    .query((rs, n) -> new Object[] {rs.getLong(1), rs.getBytes(2)}).optional();
            if (earlier.isPresent()) {
                if (!Arrays.equals((byte[]) earlier.get()[1], upload.bodySha256())) {
                    throw new KeyConflict(upload.idempotencyKey());
                }
                return UploadResults.of(jdbc, (Long) earlier.get()[0], true);
            }
        }
        long now = ShanghaiTime.nanos(receivedAt.toInstant());
        long uploadId = jdbc.sql("""
                insert into metering_upload (provider_uscc, channel, idempotency_key, body_sha256, format, file_name,
                    received_at, received_by)
                values (:p, :channel, :key, :sha, :format, :file, :at, :by)
                returning id
                """)
                .param("p", provider).param("channel", upload.channel()).param("key", upload.idempotencyKey())
                .param("sha", upload.bodySha256()).param("format", upload.format()).param("file", upload.fileName())
                .param("at", receivedAt).param("by", upload.actor())
                .query(Long.class).single();

        // Optimistic: most uploads hold no event stored before and no id twice, so the checks run
        // without looking for duplicates and the COPY's unique key finds any; then the upload is
        // checked again, with the stored events it names and its own ids compared.
        int providerNo = providerNo(provider);
        TransactionStatus status = TransactionAspectSupport.currentTransactionStatus();
        Object savepoint = status.createSavepoint();
        Run run = new Run(upload, batch, uploadId, providerNo, now, false);
        run.check();
        try {
            run.write();
        } catch (StoredBefore e) {
            status.rollbackToSavepoint(savepoint);
            run = new Run(upload, batch, uploadId, providerNo, now, true);
            run.check();
            run.write();
        }
        status.releaseSavepoint(savepoint);
        IngestResult result = run.result();
        run.audit();
        if (PROFILE) {
            run.lap("answer");
            System.err.println("  upload " + uploadId + ": " + run.laps);
        }
        return result;
    }

    /**
     * The provider's number in {@code metering_provider}, given the first time it stores events:
     * its events carry it instead of the credit code. Called under the provider's ingestion lock,
     * so no other transaction gives the same provider a number meanwhile.
     */
    private int providerNo(String provider) {
        return jdbc.sql("select provider_no from metering_provider where provider_uscc = :p")
                .param("p", provider).query(Integer.class).optional()
                .orElseGet(() -> jdbc.sql("insert into metering_provider (provider_uscc) values (:p) returning provider_no")
                        .param("p", provider).query(Integer.class).single());
    }

    /** One upload being checked and written. */
    private final class Run {
        final Upload upload;
        final String provider;
        final int providerNo;
        final UsageBatch batch;
        final long uploadId;
        final long now;
        /** What the audit entry says, once written. */
        String auditDetail;
        final int n;
        final byte[] outcome;
        final String[] reason;
        final LineProblem[] problem;
        final PricedLine[] line;
        final Stored[] original;
        final boolean[] inCapacity;
        /** Events in (contract, sku, start, event_id) order, the order of their keys; and each one's key. */
        final int[] keyOrder;
        final long[] usageId;
        final List<long[]> superseded = new ArrayList<>(); // {original usage id, by usage id}
        final long[] supersededMicros; // per (contract, sku) pair: quantity leaving the line total
        /** Per (contract, sku) pair: the priced line, or null when unknown or another provider's. */
        final PricedLine[] pairLine;
        final LineDirectory.Lookup lookup;
        /** Whether to look for events stored before; if not, the COPY's unique key finds them. */
        final boolean lookForStored;
        final StringBuilder laps = new StringBuilder();
        long lapStarted = System.nanoTime();

        long pgTicksStarted = -1;

        void lap(String phase) {
            if (PROFILE) {
                long t = System.nanoTime();
                laps.append(phase).append(' ').append((t - lapStarted) / 1_000_000).append("ms ");
                lapStarted = t;
                long ticks = backendTicks();
                if (pgTicksStarted >= 0) {
                    String key = phase.startsWith("held") ? "held" : phase;
                    PG_TICKS.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicLong())
                            .addAndGet(ticks - pgTicksStarted);
                }
                pgTicksStarted = ticks;
            }
        }

        /** CPU ticks (1/100 s) the PostgreSQL backend of this transaction has used: profiling only. */
        private long backendTicks() {
            try {
                int pid = jdbc.sql("select pg_backend_pid()").query(Integer.class).single();
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (java.io.IOException | RuntimeException e) {
                return 0;
            }
        }

        Run(Upload upload, UsageBatch batch, long uploadId, int providerNo, long now, boolean lookForStored) {
            this.upload = upload;
            this.lookForStored = lookForStored;
            this.provider = upload.providerUscc();
            this.providerNo = providerNo;
            this.batch = batch;
            this.uploadId = uploadId;
            this.now = now;
            this.n = batch.size();
            this.outcome = new byte[n];
            this.reason = new String[n];
            this.problem = new LineProblem[n];
            this.line = new PricedLine[n];
            this.original = new Stored[n];
            this.inCapacity = new boolean[n];
            this.supersededMicros = new long[batch.pairs()];
            this.pairLine = new PricedLine[batch.pairs()];
            this.lookup = directory.lookup();
            this.keyOrder = keyOrder();
            this.usageId = new long[n];
            for (int k = 0; k < n; k++) {
                usageId[keyOrder[k]] = firstUsageId(uploadId) + k + 1;
            }
        }

        long usageIdOf(int i) {
            return usageId[i];
        }

        /** The events by (contract, sku), each line's in (start, event_id) order. */
        private int[] keyOrder() {
            int groups = batch.pairs();
            int[] start = new int[groups + 1];
            for (int i = 0; i < n; i++) {
                start[batch.pair(i) + 1]++;
            }
            for (int g = 0; g < groups; g++) {
                start[g + 1] += start[g];
            }
            int[] fill = Arrays.copyOf(start, groups);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[fill[batch.pair(i)]++] = i;
            }
            for (int g = 0; g < groups; g++) {
                int[] slice = Arrays.copyOfRange(order, start[g], start[g + 1]);
                sortByStartThenId(slice);
                System.arraycopy(slice, 0, order, start[g], slice.length);
            }
            return order;
        }

        void reject(int i, String why) {
            outcome[i] = REJECTED;
            reason[i] = why;
        }

        void problem(int i, String code, String field, String key, Long usageId, String... args) {
            outcome[i] = PROBLEM;
            problem[i] = new LineProblem(batch.line(i), batch.eventId(i), code, field, key, List.of(args), usageId);
        }

        // ---------------------------------------------------------------- checks

        void check() {
            for (int i = 0; i < n; i++) {
                if (!batch.provider(i).equals(provider)) {
                    problem(i, LineProblem.FOREIGN_PROVIDER, "provider_uscc", "metering.problem.foreignProvider", null,
                            batch.provider(i), provider);
                }
            }
            deduplicate();
            lap("dedup");
            arrival();
            lap("arrival");
            lines();
            lap("lines");
            sweep();
            lap("sweep");
        }

        /** Spec §4.1 online: an id stored before, or earlier in this upload, stores nothing again. */
        void deduplicate() {
            if (!lookForStored) {
                // The optimistic pass: an id stored before, or twice in this upload, makes the
                // COPY meet the unique key, and the upload is checked again by the code below.
                return;
            }
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < n; i++) {
                if (outcome[i] == PENDING) {
                    ids.add(batch.eventId(i));
                }
            }
            Map<String, Stored> stored = stored(ids, false);
            Map<String, Integer> first = new HashMap<>();
            for (int i = 0; i < n; i++) {
                if (outcome[i] != PENDING) {
                    continue;
                }
                String id = batch.eventId(i);
                Stored s = stored.get(id);
                if (s != null) {
                    if (batch.sameBody(i, s.contractId(), s.sku(), s.units(), s.quantityMicros(), s.startNanos(),
                            s.endNanos(), s.adjusts())) {
                        problem(i, LineProblem.DUPLICATE_EVENT, "event_id", "metering.problem.duplicate", s.usageId(),
                                id, Long.toString(s.usageId()));
                    } else {
                        problem(i, LineProblem.EVENT_ID_REUSED, "event_id", "metering.problem.reused", s.usageId(), id);
                    }
                    continue;
                }
                Integer j = first.putIfAbsent(id, i);
                if (j != null) {
                    if (batch.sameBody(i, j)) {
                        problem(i, LineProblem.DUPLICATE_EVENT, "event_id", "metering.problem.duplicateLine",
                                usageIdOf(j), id, Integer.toString(batch.line(j)));
                    } else {
                        problem(i, LineProblem.EVENT_ID_REUSED, "event_id", "metering.problem.reusedLine",
                                usageIdOf(j), id, Integer.toString(batch.line(j)));
                    }
                }
            }
        }

        /** The late window, events not yet over, and what an adjustment names. */
        void arrival() {
            Set<String> targets = new HashSet<>();
            for (int i = 0; i < n; i++) {
                if (outcome[i] == PENDING && batch.adjusts(i) != null) {
                    targets.add(batch.adjusts(i));
                }
            }
            Map<String, Stored> adjusted = targets.isEmpty() ? Map.of() : stored(targets, true);
            Set<String> claimed = new HashSet<>();
            for (int i = 0; i < n; i++) {
                if (outcome[i] != PENDING) {
                    continue;
                }
                long end = batch.endNanos(i);
                if (end < now - lateNanos) {
                    reject(i, Reasons.TOO_LATE);
                    continue;
                }
                if (end > now + skewNanos) {
                    reject(i, Reasons.NOT_YET_ENDED);
                    continue;
                }
                String adjusts = batch.adjusts(i);
                if (adjusts == null) {
                    continue;
                }
                Stored target = adjusted.get(adjusts);
                if (target == null) {
                    reject(i, Reasons.ADJUSTED_EVENT_UNKNOWN);
                } else if (!target.contractId().equals(batch.contract(i)) || !target.sku().equals(batch.sku(i))) {
                    reject(i, Reasons.ADJUSTMENT_CHANGES_LINE);
                } else if (target.countedBy() != null) {
                    reject(i, Reasons.ADJUSTED_EVENT_COUNTED);
                } else if (target.disputed()) {
                    // the enterprise disputes it: the office decides first (the row is locked, so a
                    // dispute cannot arrive between this check and the supersede)
                    reject(i, Reasons.ADJUSTED_EVENT_DISPUTED);
                } else if (!"accepted".equals(target.status()) || !claimed.add(adjusts)) {
                    reject(i, Reasons.ADJUSTED_EVENT_NOT_IN_FORCE);
                } else {
                    original[i] = target;
                }
            }
        }

        /** Finds every event's contract line; spec checks 2–4; withdrawals take effect here. */
        void lines() {
            Set<String> contracts = new HashSet<>();
            for (int p = 0; p < batch.pairs(); p++) {
                contracts.add(batch.pairContract(p));
            }
            lookup.load(contracts);
            for (int p = 0; p < batch.pairs(); p++) {
                PricedLine priced = lookup.line(batch.pairContract(p), batch.pairSku(p));
                pairLine[p] = priced != null && priced.contract().providerUscc().equals(provider) ? priced : null;
            }
            for (int i = 0; i < n; i++) {
                if (outcome[i] == PROBLEM) {
                    continue;
                }
                PricedLine priced = pairLine[batch.pair(i)];
                line[i] = priced;
                if (priced == null) {
                    // not this provider's line (or none at all): check 2 says which
                    priced = lookup.line(batch.contract(i), batch.sku(i));
                }
                if (outcome[i] != PENDING) {
                    continue;
                }
                if (original[i] != null && batch.quantityMicros(i) == 0 && priced != null) {
                    outcome[i] = WITHDRAWAL;
                    supersede(i);
                    continue;
                }
                UsageReason why = UsageChecks.againstLine(priced, provider, batch.units(i), batch.quantityMicros(i),
                        batch.startNanos(i), batch.endNanos(i));
                if (why != null) {
                    reject(i, why.name());
                }
            }
        }

        void supersede(int i) {
            Stored o = original[i];
            superseded.add(new long[] {o.usageId(), usageIdOf(i)});
            supersededMicros[batch.pair(i)] += o.quantityMicros(); // an adjustment is of the same line
        }

        /** Spec checks 5 and 6, per SKU in (start, event_id) order, on top of what is stored. */
        void sweep() {
            int skus = batch.skus();
            int[] count = new int[skus + 1];
            int pending = 0;
            for (int i = 0; i < n; i++) {
                if (outcome[i] == PENDING) {
                    count[batch.pairSkuNumber(batch.pair(i)) + 1]++;
                    pending++;
                }
            }
            if (pending == 0) {
                return;
            }
            for (int k = 0; k < skus; k++) {
                count[k + 1] += count[k];
            }
            int[] fill = Arrays.copyOf(count, skus);
            int[] bySku = new int[pending];
            for (int i = 0; i < n; i++) {
                if (outcome[i] == PENDING) {
                    bySku[fill[batch.pairSkuNumber(batch.pair(i))]++] = i;
                }
            }
            long[] totals = lineTotals();
            for (int k = 0; k < skus; k++) {
                if (count[k + 1] > count[k]) {
                    int[] order = Arrays.copyOfRange(bySku, count[k], count[k + 1]);
                    sweep(batch.sku(order[0]), order, totals);
                }
            }
        }

        private void sweep(String sku, int[] order, long[] totals) {
            sortByStartThenId(order);
            long from = Long.MAX_VALUE;
            long to = Long.MIN_VALUE;
            for (int i : order) {
                from = Math.min(from, batch.startNanos(i));
                to = Math.max(to, batch.endNanos(i));
            }
            boolean checked = false;
            for (int i : order) {
                checked |= line[i].unit() == Unit.GPU_HOUR;
            }
            List<long[]> held = checked ? heldCapacity(sku, from, to, order) : new ArrayList<>();
            lap("held " + sku + " " + held.size());
            Capacity capacityCheck = capacity(order, held);
            long capacityDay = Long.MIN_VALUE;
            long dayCapacity = CatalogRow.NO_CAPACITY;
            for (int i : order) {
                PricedLine priced = line[i];
                int pair = batch.pair(i);
                long total = totals[pair];
                long start = batch.startNanos(i);
                long end = batch.endNanos(i);
                Stored o = original[i];
                if (o != null) {
                    if (o.inCapacity()) {
                        capacityCheck.add(o.startNanos(), o.endNanos(), -o.gpus());
                    }
                    total -= o.quantityMicros();
                }
                long capacity = CatalogRow.NO_CAPACITY;
                if (priced.unit() == Unit.GPU_HOUR) {
                    long day = ShanghaiTime.epochDayOfNanos(start);
                    if (day != capacityDay) {
                        capacityDay = day;
                        dayCapacity = lookup.capacity(provider, sku, day);
                    }
                    capacity = dayCapacity;
                }
                int gpus = Math.max(batch.units(i), 0);
                if (!capacityCheck.admit(start, end, gpus, capacity)) {
                    reject(i, UsageReason.CAPACITY_EXCEEDED.name());
                    restore(capacityCheck, o);
                    continue;
                }
                long quantity = batch.quantityMicros(i);
                if (UsageChecks.overContractQuantity(total, quantity, priced.line().quantityMaxMicros())) {
                    reject(i, UsageReason.OVER_CONTRACT_QUANTITY.name());
                    if (o != null) {
                        // a correction that fails leaves the event it names as it was
                        capacityCheck.add(start, end, -gpus);
                        restore(capacityCheck, o);
                    } else {
                        inCapacity[i] = true;
                    }
                    continue;
                }
                outcome[i] = ACCEPTED;
                inCapacity[i] = true;
                totals[pair] = total + quantity;
                if (o != null) {
                    supersede(i);
                }
            }
        }

        /**
         * Sorts events by (start, event id). Starts are mostly whole seconds: then the second
         * (from the earliest) and the position make one long key for a primitive sort, and runs
         * of equal starts are put in id order after; otherwise a comparator sort.
         */
        private void sortByStartThenId(int[] order) {
            int count = order.length;
            if (count < 2) {
                return;
            }
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            boolean seconds = true;
            for (int i : order) {
                long start = batch.startNanos(i);
                min = Math.min(min, start);
                max = Math.max(max, start);
                seconds &= start % 1_000_000_000L == 0;
            }
            int bits = 32 - Integer.numberOfLeadingZeros(count);
            long span = max - min;
            if (!seconds || span < 0 || span / 1_000_000_000L >= (1L << (62 - bits))) {
                Integer[] boxed = Arrays.stream(order).boxed().toArray(Integer[]::new);
                Arrays.sort(boxed, Comparator.<Integer>comparingLong(batch::startNanos)
                        .thenComparing((a, b) -> compareCodePoints(batch.eventId(a), batch.eventId(b))));
                for (int k = 0; k < count; k++) {
                    order[k] = boxed[k];
                }
                return;
            }
            long[] keys = new long[count];
            for (int k = 0; k < count; k++) {
                keys[k] = ((batch.startNanos(order[k]) - min) / 1_000_000_000L) << bits | k;
            }
            Arrays.sort(keys);
            int[] sorted = new int[count];
            long mask = (1L << bits) - 1;
            for (int k = 0; k < count; k++) {
                sorted[k] = order[(int) (keys[k] & mask)];
            }
            int run = 0;
            for (int k = 1; k <= count; k++) {
                if (k == count || batch.startNanos(sorted[k]) != batch.startNanos(sorted[run])) {
                    if (k - run > 1) {
                        Integer[] ties = new Integer[k - run];
                        for (int t = run; t < k; t++) {
                            ties[t - run] = sorted[t];
                        }
                        Arrays.sort(ties, (a, b) -> compareCodePoints(batch.eventId(a), batch.eventId(b)));
                        for (int t = run; t < k; t++) {
                            sorted[t] = ties[t - run];
                        }
                    }
                    run = k;
                }
            }
            System.arraycopy(sorted, 0, order, 0, count);
        }

        private void restore(Capacity capacityCheck, Stored o) {
            if (o != null && o.inCapacity()) {
                capacityCheck.add(o.startNanos(), o.endNanos(), o.gpus());
            }
        }

        /**
         * The capacity check for one SKU's events (in start order) on top of the events held
         * before. When every held event starts no later than the first new one and no new event
         * corrects another, the rules' sweep ({@link CapacitySweep}: GPUs in use at each start)
         * decides, as replay does; otherwise the timeline, which also takes events out and looks
         * at the whole interval of each event.
         */
        private Capacity capacity(int[] order, List<long[]> held) {
            long firstStart = batch.startNanos(order[0]);
            boolean simple = true;
            for (long[] h : held) {
                simple &= h[0] <= firstStart;
            }
            for (int i : order) {
                simple &= original[i] == null;
            }
            if (simple) {
                held.sort(Comparator.comparingLong(h -> h[0]));
                CapacitySweep sweep = new CapacitySweep();
                for (long[] h : held) {
                    sweep.admit(h[0], h[1], (int) h[2], CatalogRow.NO_CAPACITY, false);
                }
                return new Capacity() {
                    @Override
                    public boolean admit(long start, long end, int gpus, long capacity) {
                        return sweep.admit(start, end, gpus, capacity, capacity != CatalogRow.NO_CAPACITY);
                    }

                    @Override
                    public void add(long start, long end, long gpus) {
                        throw new IllegalStateException("no corrections in a simple sweep");
                    }
                };
            }
            long[] instants = new long[2 * order.length + 2 * held.size()];
            int k = 0;
            for (int i : order) {
                instants[k++] = batch.startNanos(i);
                instants[k++] = batch.endNanos(i);
            }
            for (long[] h : held) {
                instants[k++] = h[0];
                instants[k++] = h[1];
            }
            CapacityTimeline timeline = new CapacityTimeline(instants);
            for (long[] h : held) {
                timeline.add(h[0], h[1], h[2]);
            }
            return new Capacity() {
                @Override
                public boolean admit(long start, long end, int gpus, long capacity) {
                    if (capacity != CatalogRow.NO_CAPACITY && timeline.peak(start, end) + gpus > capacity) {
                        return false;
                    }
                    timeline.add(start, end, gpus);
                    return true;
                }

                @Override
                public void add(long start, long end, long gpus) {
                    timeline.add(start, end, gpus);
                }
            };
        }

        // ---------------------------------------------------------------- reads

        /** Stored events of this provider with these ids; locked when they are to be superseded. */
        Map<String, Stored> stored(Set<String> ids, boolean lock) {
            if (ids.isEmpty()) {
                return Map.of();
            }
            Map<String, Stored> found = new HashMap<>();
            jdbc.sql("""
                    select usage_id, event_id, contract_id, sku, units, quantity_micros, start_ns, end_ns,
                           adjusts_event_id, status, in_capacity, counted_by, disputed
                    from usage_event where provider_no = :p and event_id = any(:ids)
                    """ + (lock ? " for update" : ""))
                    .param("p", providerNo).param("ids", ids.toArray(String[]::new))
                    .query(rs -> {
                        int units = rs.getInt(5);
                        if (rs.wasNull()) {
                            units = UsageChecks.NO_UNITS;
                        }
                        Stored s = new Stored(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), units,
                                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getString(10),
                                rs.getBoolean(11), rs.getString(12), rs.getBoolean(13));
                        found.put(s.eventId(), s);
                    });
            return found;
        }

        /** The stored quantity that counts on each (contract, sku) pair's line. */
        long[] lineTotals() {
            Map<String, Integer> pairs = new HashMap<>();
            Set<String> contracts = new HashSet<>();
            Set<String> skus = new HashSet<>();
            for (int p = 0; p < batch.pairs(); p++) {
                if (pairLine[p] != null) {
                    pairs.put(lineKey(batch.pairContract(p), batch.pairSku(p)), p);
                    contracts.add(batch.pairContract(p));
                    skus.add(batch.pairSku(p));
                }
            }
            long[] totals = new long[batch.pairs()];
            if (pairs.isEmpty()) {
                return totals;
            }
            jdbc.sql("""
                    select contract_id, sku, accepted_micros from metering_line
                    where contract_id = any(:c) and sku = any(:s)
                    """)
                    .param("c", contracts.toArray(String[]::new)).param("s", skus.toArray(String[]::new))
                    .query(rs -> {
                        Integer p = pairs.get(lineKey(rs.getString(1), rs.getString(2)));
                        if (p != null) {
                            totals[p] = rs.getLong(3);
                        }
                    });
            return totals;
        }

        /**
         * Events of {@code (provider, sku)} stored before that hold GPUs on {@code [from, to)}, and
         * those the adjustments of this group name, as {start, end, gpus}: the runs of the SKU that
         * overlap the window, then each run's key range ({@code offset 0} keeps that a scan of the
         * run; flattened into a join, the planner may scan the whole table instead).
         */
        List<long[]> heldCapacity(String sku, long from, long to, int[] order) {
            Map<Long, long[]> held = new HashMap<>();
            jdbc.sql("""
                    select e.usage_id, e.start_ns, e.end_ns, e.units
                    from usage_range r
                    cross join lateral (
                        select usage_id, start_ns, end_ns, coalesce(units, 0) as units from usage_event
                        where usage_id between r.first_usage_id and r.last_usage_id
                          and in_capacity and start_ns < :to and end_ns > :from
                        offset 0) e
                    where r.provider_uscc = :p and r.sku = :sku and r.max_end_ns > :from and r.min_start_ns < :to
                    """)
                    .param("p", provider).param("sku", sku).param("to", to).param("from", from)
                    .query(rs -> {
                        held.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getInt(4)});
                    });
            for (int i : order) {
                Stored o = original[i];
                if (o != null && o.inCapacity()) {
                    held.putIfAbsent(o.usageId(), new long[] {o.startNanos(), o.endNanos(), o.gpus()});
                }
            }
            return new ArrayList<>(held.values());
        }

        // ---------------------------------------------------------------- writes

        void write() {
            int stored = 0;
            for (int i = 0; i < n; i++) {
                if (outcome[i] != PROBLEM) {
                    stored++;
                }
            }
            if (stored > 0) {
                copyEvents(stored);
            }
            lap("copy");
            updateLines();
            lap("totals");
            insertRanges();
            lap("ranges");
            if (!superseded.isEmpty()) {
                supersedeStored();
            }
            insertProblems();
            lap("problems");
            int accepted = 0;
            int rejected = 0;
            for (int i = 0; i < n; i++) {
                if (outcome[i] == ACCEPTED || outcome[i] == WITHDRAWAL) {
                    accepted++;
                } else if (outcome[i] == REJECTED) {
                    rejected++;
                }
            }
            int problems = batch.problems().size() + (n - stored);
            jdbc.sql("""
                    update metering_upload set lines = :lines, accepted = :a, rejected = :r, problems = :x
                    where id = :id
                    """)
                    .param("lines", batch.lines()).param("a", accepted).param("r", rejected).param("x", problems)
                    .param("id", uploadId).update();
            lap("upload");
            auditDetail = "%s %s %s: %d lines, %d accepted, %d rejected, %d problems".formatted(provider,
                    upload.channel(), upload.format(), batch.lines(), accepted, rejected, problems);
        }

        /**
         * The upload's entry in the audit chain. Last in the transaction: the chain's lock is held
         * to the commit, and every other upload's entry waits for it (measured: 5 % of the ingesting
         * backends' time went to that wait while the lock was taken before the answer was built).
         */
        void audit() {
            audit.recordAs(upload.actor(), "metering.upload", "metering_upload", Long.toString(uploadId), auditDetail);
        }

        private void copyEvents(int stored) {
            CopyRows rows = new CopyRows(stored * 170);
            byte[][] contractBytes = new byte[batch.pairs()][];
            byte[][] skuBytes = new byte[batch.pairs()][];
            for (int p = 0; p < batch.pairs(); p++) {
                contractBytes[p] = batch.pairContract(p).getBytes(StandardCharsets.UTF_8);
                skuBytes[p] = batch.pairSku(p).getBytes(StandardCharsets.UTF_8);
            }
            for (int k = 0; k < n; k++) {
                int i = keyOrder[k];
                if (outcome[i] == PROBLEM) {
                    continue;
                }
                int units = batch.units(i);
                boolean accepted = outcome[i] == ACCEPTED;
                int pair = batch.pair(i);
                rows.row(COPY_FIELDS)
                        .int8(usageIdOf(i))
                        .int4(batch.line(i))
                        .int4(providerNo)
                        .text(batch.eventId(i))
                        .utf8(contractBytes[pair])
                        .utf8(skuBytes[pair]);
                if (units == UsageChecks.NO_UNITS) {
                    rows.nul();
                } else {
                    rows.int4(units);
                }
                rows.int8(batch.quantityMicros(i))
                        .int8(batch.startNanos(i))
                        .int8(batch.endNanos(i))
                        .text(batch.adjusts(i))
                        .utf8(switch (outcome[i]) {
                            case ACCEPTED -> STATUS_ACCEPTED;
                            case WITHDRAWAL -> STATUS_WITHDRAWAL;
                            default -> STATUS_REJECTED;
                        })
                        .text(reason[i])
                        .int8OrNull(accepted ? Fen.amount(batch.quantityMicros(i), line[i].priceBasisFen()) : 0,
                                !accepted)
                        .bool(inCapacity[i]);
            }
            try {
                copy("usage_event (" + COPY_COLUMNS + ")", rows);
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState()) && !lookForStored) {
                    throw new StoredBefore(e);
                }
                throw new IllegalStateException("could not store the events of upload " + uploadId + ": "
                        + e.getMessage(), e);
            }
        }

        /** One binary COPY of {@code rows} into {@code target} (a table and its columns), in this transaction. */
        private void copy(String target, CopyRows rows) throws SQLException {
            byte[] bytes = rows.finish();
            Connection connection = DataSourceUtils.getConnection(dataSource);
            try {
                // the rows in one message, from the array itself (copyIn(sql, stream) copies them in 64 KB pieces)
                CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn("COPY " + target + " FROM STDIN (FORMAT binary)");
                try {
                    copy.writeToCopy(bytes, 0, rows.size());
                    copy.endCopy();
                } catch (SQLException | RuntimeException e) {
                    if (copy.isActive()) {
                        try {
                            copy.cancelCopy();
                        } catch (SQLException | RuntimeException cancel) {
                            e.addSuppressed(cancel);
                        }
                    }
                    throw e;
                }
            } finally {
                DataSourceUtils.releaseConnection(connection, dataSource);
            }
        }

        /** {@link #copy} for tables whose rows cannot meet a key: any SQL error is a bug. */
        private void copyOrFail(String target, CopyRows rows) {
            try {
                copy(target, rows);
            } catch (SQLException e) {
                throw new IllegalStateException("could not write to " + target + " in upload " + uploadId + ": "
                        + e.getMessage(), e);
            }
        }

        /** Registers the lines events were stored for and moves their totals (check 6 online). */
        private void updateLines() {
            boolean[] seen = new boolean[batch.pairs()];
            long[] delta = new long[batch.pairs()];
            int size = 0;
            for (int i = 0; i < n; i++) {
                if (outcome[i] == PROBLEM || line[i] == null) {
                    continue;
                }
                int pair = batch.pair(i);
                if (!seen[pair]) {
                    seen[pair] = true;
                    size++;
                }
                if (outcome[i] == ACCEPTED) {
                    delta[pair] += batch.quantityMicros(i);
                }
            }
            if (size == 0) {
                return;
            }
            String[] contracts = new String[size];
            String[] skus = new String[size];
            String[] enterprises = new String[size];
            String[] units = new String[size];
            String[] categories = new String[size];
            long[] unitPrices = new long[size];
            Long[] referencePrices = new Long[size];
            long[] bases = new long[size];
            long[] maxima = new long[size];
            long[] micros = new long[size];
            int k = 0;
            for (int pair = 0; pair < seen.length; pair++) {
                if (!seen[pair]) {
                    continue;
                }
                PricedLine l = pairLine[pair];
                CatalogRow listing = l.listing();
                contracts[k] = l.contract().id();
                skus[k] = l.line().sku();
                enterprises[k] = l.contract().enterpriseUscc();
                units[k] = listing == null ? null : listing.unit().code();
                categories[k] = listing == null ? null : listing.category();
                unitPrices[k] = l.line().unitPriceFen();
                referencePrices[k] = listing == null ? null : listing.referencePriceFen();
                bases[k] = l.priceBasisFen();
                maxima[k] = l.line().quantityMaxMicros();
                micros[k] = delta[pair] - supersededMicros[pair];
                k++;
            }
            boolean anyDown = false;
            for (long m : micros) {
                anyDown |= m < 0;
            }
            if (!anyDown) {
                // One statement: a line seen for the first time goes in with its total; a known one
                // moves by what this upload added (and is not touched when that is nothing). Only
                // when no total goes down: the row proposed for insertion must pass the CHECK.
                jdbc.sql("""
                        insert into metering_line as l (contract_id, sku, provider_uscc, enterprise_uscc, unit, category,
                            unit_price_fen, reference_price_fen, price_basis_fen, quantity_max_micros, accepted_micros)
                        select c, s, :p, e, u, g, up, rp, b, q, m
                        from unnest(:c::text[], :s::text[], :e::text[], :u::text[], :g::text[], :up::bigint[],
                                    :rp::bigint[], :b::bigint[], :q::bigint[], :m::bigint[])
                            as x(c, s, e, u, g, up, rp, b, q, m)
                        order by c, s
                        on conflict (contract_id, sku) do update
                            set accepted_micros = l.accepted_micros + excluded.accepted_micros
                            where excluded.accepted_micros <> 0
                        """)
                        .param("p", provider).param("c", contracts).param("s", skus).param("e", enterprises)
                        .param("u", units).param("g", categories).param("up", unitPrices).param("rp", referencePrices)
                        .param("b", bases).param("q", maxima).param("m", micros)
                        .update();
                return;
            }
            jdbc.sql("""
                    insert into metering_line (contract_id, sku, provider_uscc, enterprise_uscc, unit, category,
                        unit_price_fen, reference_price_fen, price_basis_fen, quantity_max_micros, accepted_micros)
                    select c, s, :p, e, u, g, up, rp, b, q, 0
                    from unnest(:c::text[], :s::text[], :e::text[], :u::text[], :g::text[], :up::bigint[],
                                :rp::bigint[], :b::bigint[], :q::bigint[]) as x(c, s, e, u, g, up, rp, b, q)
                    order by c, s
                    on conflict (contract_id, sku) do nothing
                    """)
                    .param("p", provider).param("c", contracts).param("s", skus).param("e", enterprises)
                    .param("u", units).param("g", categories).param("up", unitPrices).param("rp", referencePrices)
                    .param("b", bases).param("q", maxima)
                    .update();
            jdbc.sql("""
                    update metering_line l set accepted_micros = l.accepted_micros + u.m
                    from unnest(:c::text[], :s::text[], :m::bigint[]) as u(c, s, m)
                    where l.contract_id = u.c and l.sku = u.s and u.m <> 0
                    """)
                    .param("c", contracts).param("s", skus).param("m", micros)
                    .update();
        }

        /**
         * Runs of keys per (contract, sku) of this upload, at most {@link #RUN_LENGTH} events each,
         * with the span of their events' times: short runs keep the capacity query to the events
         * near its window.
         */
        private void insertRanges() {
            List<long[]> runs = new ArrayList<>(); // {first, last, min start, max end, index of an event}
            long[] run = null;
            int runPair = -1;
            int length = 0;
            for (int k = 0; k < n; k++) {
                int i = keyOrder[k];
                if (outcome[i] == PROBLEM) {
                    continue;
                }
                int pair = batch.pair(i);
                if (run == null || pair != runPair || length == RUN_LENGTH) {
                    run = new long[] {usageId[i], usageId[i], batch.startNanos(i), batch.endNanos(i), i};
                    runs.add(run);
                    runPair = pair;
                    length = 1;
                } else {
                    length++;
                    run[1] = usageId[i];
                    run[2] = Math.min(run[2], batch.startNanos(i));
                    run[3] = Math.max(run[3], batch.endNanos(i));
                }
            }
            if (runs.isEmpty()) {
                return;
            }
            byte[] providerBytes = provider.getBytes(StandardCharsets.UTF_8);
            CopyRows rows = new CopyRows(runs.size() * 110);
            for (long[] x : runs) {
                int i = (int) x[4];
                rows.row(8).int8(x[0]).int8(x[1]).int8(uploadId).utf8(providerBytes).text(batch.contract(i))
                        .text(batch.sku(i)).int8(x[2]).int8(x[3]);
            }
            copyOrFail("usage_range (first_usage_id, last_usage_id, upload_id, provider_uscc, contract_id, sku, "
                    + "min_start_ns, max_end_ns)", rows);
        }

        /**
         * The events corrected or withdrawn stop counting. None is under an open dispute (such an
         * adjustment is rejected {@link Reasons#ADJUSTED_EVENT_DISPUTED}, the rows locked since);
         * a dispute resolved earlier stays as the office resolved it.
         */
        private void supersedeStored() {
            long[] ids = superseded.stream().mapToLong(s -> s[0]).toArray();
            long[] by = superseded.stream().mapToLong(s -> s[1]).toArray();
            int changed = jdbc.sql("""
                    update usage_event e set status = 'superseded', superseded_by = u.by, in_capacity = false
                    from unnest(:ids::bigint[], :by::bigint[]) as u(id, by)
                    where e.usage_id = u.id and e.status = 'accepted' and e.counted_by is null and not e.disputed
                    """)
                    .param("ids", ids).param("by", by).update();
            if (changed != ids.length) {
                throw new IllegalStateException("upload " + uploadId + ": " + (ids.length - changed)
                        + " adjusted events changed while locked");
            }
        }

        private void insertProblems() {
            List<LineProblem> all = new ArrayList<>(batch.problems());
            for (int i = 0; i < n; i++) {
                if (outcome[i] == PROBLEM) {
                    all.add(problem[i]);
                }
            }
            if (all.isEmpty()) {
                return;
            }
            CopyRows rows = new CopyRows(all.size() * 120);
            for (LineProblem p : all) {
                rows.row(8).int8(uploadId).int4(p.line()).text(p.eventId()).text(p.code()).text(p.field())
                        .text(p.messageKey()).text(UploadResults.joinArgs(p.args()));
                if (p.usageId() == null) {
                    rows.nul();
                } else {
                    rows.int8(p.usageId());
                }
            }
            copyOrFail("metering_upload_problem (upload_id, line_no, event_id, code, field, message_key, args, usage_id)",
                    rows);
        }

        // ---------------------------------------------------------------- answer

        IngestResult result() {
            List<LineResult> results = new ArrayList<>(n + batch.problems().size());
            int accepted = 0;
            int rejected = 0;
            for (int i = 0; i < n; i++) {
                switch (outcome[i]) {
                    case ACCEPTED -> {
                        accepted++;
                        results.add(new LineResult(batch.line(i), batch.eventId(i), Outcome.ACCEPTED, null, null,
                                usageIdOf(i), "metering.outcome.accepted", List.of()));
                    }
                    case WITHDRAWAL -> {
                        accepted++;
                        results.add(new LineResult(batch.line(i), batch.eventId(i), Outcome.WITHDRAWAL, null, null,
                                usageIdOf(i), "metering.outcome.withdrawal", List.of(batch.adjusts(i))));
                    }
                    case REJECTED -> {
                        rejected++;
                        Reasons.Detail detail = Reasons.detail(reason[i], batch.adjusts(i), batch.units(i),
                                batch.quantityMicros(i), batch.startNanos(i), batch.endNanos(i));
                        results.add(new LineResult(batch.line(i), batch.eventId(i), Outcome.REJECTED, reason[i],
                                null, usageIdOf(i), detail.messageKey(), detail.args()));
                    }
                    default -> results.add(problem[i].result());
                }
            }
            batch.problems().forEach(p -> results.add(p.result()));
            results.sort(Comparator.comparingInt(LineResult::line));
            int problems = results.size() - accepted - rejected;
            return new IngestResult(uploadId, false, batch.lines(), accepted, rejected, problems, results);
        }
    }

    static String lineKey(String contractId, String sku) {
        return contractId + '\u0000' + sku;
    }

    /** Orders strings by code point, which is the order of their UTF-8 bytes (replay's order of event ids). */
    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
                    return Integer.compare(a.codePointAt(i), b.codePointAt(i));
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }
}
