package org.zhice.policy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

import org.bouncycastle.crypto.digests.SM3Digest;

/**
 * The text of a program file as it is stored and hashed: UTF-8, without a byte-order mark, with
 * {@code \n} line ends. Normalising first means that the same program saved on Windows and on
 * Linux is one version, not two.
 */
final class ProgramText {

    /** A program file is a page of YAML; anything bigger is a mistake. */
    static final int MAX_BYTES = 256 * 1024;

    private ProgramText() {
    }

    static String normalise(String text) {
        String t = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
        return t.replace("\r\n", "\n").replace('\r', '\n');
    }

    /** Strict UTF-8 decoding: empty when the bytes are not UTF-8. */
    static Optional<String> decode(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** SM3 (GB/T 32905-2016) of the text's UTF-8 bytes, 64 lower-case hex digits. */
    static String sm3(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        SM3Digest digest = new SM3Digest();
        digest.update(bytes, 0, bytes.length);
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }
}
