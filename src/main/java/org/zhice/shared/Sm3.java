package org.zhice.shared;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.bouncycastle.crypto.digests.SM3Digest;

/** SM3 (GB/T 32905-2016), the Chinese national standard hash, as lower-case hex. */
public final class Sm3 {

    public static final String GENESIS = "0".repeat(64);

    private Sm3() {
    }

    /** SM3 over the UTF-8 bytes of the parts, each followed by a unit separator (0x1F). */
    public static String hex(String... parts) {
        SM3Digest digest = new SM3Digest();
        for (String part : parts) {
            byte[] bytes = (part == null ? "\u0000" : part).getBytes(StandardCharsets.UTF_8);
            digest.update(bytes, 0, bytes.length);
            digest.update((byte) 0x1F);
        }
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }
}
