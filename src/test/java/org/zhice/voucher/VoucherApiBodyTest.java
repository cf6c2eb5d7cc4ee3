package org.zhice.voucher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text that is not text: an unpaired UTF-16 surrogate in a JSON body, written raw or as an escape. */
class VoucherApiBodyTest {

    @Test
    void unpairedSurrogatesAreFoundRawOrEscapedInsideStringsOnly() {
        assertThat(VoucherApi.unpairedSurrogate("{\"a\":\"\\ud83d\\ude00\"}")).isEqualTo(-1);
        assertThat(VoucherApi.unpairedSurrogate("{\"a\":\"\ud83d\ude00\"}")).isEqualTo(-1);
        assertThat(VoucherApi.unpairedSurrogate("{\"a\":\"x\\ud800\"}")).isEqualTo(7);
        assertThat(VoucherApi.unpairedSurrogate("{\"a\":\"\\udc00\\ud800\"}")).isEqualTo(6);
        assertThat(VoucherApi.unpairedSurrogate("{\"a\":\"\\\\ud800\"}")).isEqualTo(-1);
        assertThat(VoucherApi.unpairedSurrogate("{\"a\":\"\ud800\"}")).isEqualTo(6);
        assertThat(VoucherApi.unpairedSurrogate("{\"a\":\"\\ud800")).isEqualTo(6);
    }

}
