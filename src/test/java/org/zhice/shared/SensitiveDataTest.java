package org.zhice.shared;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SensitiveDataTest {

    final SensitiveData cipher = new SensitiveData(new byte[16]);

    @Property(tries = 200)
    void everyValueComesBackAndNeverShowsInClear(@ForAll String plain) {
        String stored = cipher.encrypt(plain);
        assertThat(stored).startsWith("sm4:");
        assertThat(cipher.decrypt(stored)).isEqualTo(plain);
        if (plain.length() > 3) {
            assertThat(stored).doesNotContain(plain);
        }
    }

    @org.junit.jupiter.api.Test
    void theSameValueEncryptsDifferentlyEachTimeAndATamperedValueIsRefused() {
        String a = cipher.encrypt("110105194912310021");
        String b = cipher.encrypt("110105194912310021");
        assertThat(a).isNotEqualTo(b);
        char[] chars = a.toCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> cipher.decrypt(new String(chars))).hasMessageContaining("does not decrypt");
        assertThatThrownBy(() -> new SensitiveData(new byte[1]).decrypt(a)).hasMessageContaining("16 bytes");
    }

    @org.junit.jupiter.api.Test
    void phonesAreMaskedOnScreens() {
        assertThat(SensitiveData.maskPhone("13800138000")).isEqualTo("138****8000");
    }
}
