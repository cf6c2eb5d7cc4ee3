package org.zhice.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The metering parser's huge-exponent bug (found by its fuzz property) in the pool's forms:
 * {@code 1e9999999} typed as a budget held a request thread in stripTrailingZeros for years.
 */
class FormInputTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void hugeExponentsAndLongNumbersAreRefusedQuicklyAsTheirField() {
        for (String typed : new String[] {"1e9999999", "1.25e111111111", "1e100000", "1e-100000", "1" + "0".repeat(100_000)}) {
            FormInput input = new FormInput(Map.of("budgetYuan", typed, "millionTokens", typed));
            long cpu = THREADS.getCurrentThreadCpuTime();
            assertThat(input.yuanAsFen("budgetYuan")).isNull();
            assertThat(input.decimal("millionTokens")).isNull();
            assertThat((THREADS.getCurrentThreadCpuTime() - cpu) / 1_000_000).as(typed).isLessThan(1_000);
            assertThat(input.problems()).extracting(PoolException.Problem::field).containsExactly("budgetYuan", "millionTokens");
            assertThat(input.problems()).extracting(PoolException.Problem::code).containsExactly("pool.form.yuan", "pool.form.decimal");
        }
    }

    @Test
    void ordinaryAmountsAreReadAsBefore() {
        FormInput input = new FormInput(Map.of("budgetYuan", "1,234.5", "millionTokens", "0.25", "price", "1.5e2"));
        assertThat(input.yuanAsFen("budgetYuan")).isEqualTo(123_450L);
        assertThat(input.decimal("millionTokens")).isEqualByComparingTo(new BigDecimal("0.25"));
        assertThat(input.yuanAsFen("price")).isEqualTo(15_000L);
        assertThat(input.problems()).isEmpty();
    }
}
