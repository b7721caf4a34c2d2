// A tiny JSON reader for the golden vectors (the JDK has none): objects become
// LinkedHashMap<String, Any?>, arrays List<Any?>, integers Long, other numbers
// BigDecimal, plus String, Boolean and null.
package patungan.test

import java.math.BigDecimal

class Json private constructor(private val text: String) {
    private var pos = 0

    companion object {
        fun parse(text: String): Any? {
            val p = Json(text)
            val value = p.value()
            p.ws()
            require(p.pos == text.length) { "trailing characters at ${p.pos}" }
            return value
        }
    }

    private fun ws() {
        while (pos < text.length && text[pos].isWhitespace()) pos++
    }

    private fun expect(c: Char) {
        ws()
        require(pos < text.length && text[pos] == c) { "expected '$c' at $pos" }
        pos++
    }

    private fun value(): Any? {
        ws()
        require(pos < text.length) { "unexpected end" }
        return when (val c = text[pos]) {
            '{' -> obj()
            '[' -> arr()
            '"' -> str()
            't' -> literal("true", true)
            'f' -> literal("false", false)
            'n' -> literal("null", null)
            else -> if (c == '-' || c.isDigit()) num() else error("unexpected '$c' at $pos")
        }
    }

    private fun literal(word: String, v: Any?): Any? {
        require(text.startsWith(word, pos)) { "expected $word at $pos" }
        pos += word.length
        return v
    }

    private fun obj(): Map<String, Any?> {
        expect('{')
        val out = LinkedHashMap<String, Any?>()
        ws()
        if (text[pos] == '}') { pos++; return out }
        while (true) {
            ws()
            val key = str()
            expect(':')
            out[key] = value()
            ws()
            if (text[pos] == ',') { pos++; continue }
            expect('}')
            return out
        }
    }

    private fun arr(): List<Any?> {
        expect('[')
        val out = ArrayList<Any?>()
        ws()
        if (text[pos] == ']') { pos++; return out }
        while (true) {
            out.add(value())
            ws()
            if (text[pos] == ',') { pos++; continue }
            expect(']')
            return out
        }
    }

    private fun str(): String {
        expect('"')
        val sb = StringBuilder()
        while (true) {
            val c = text[pos++]
            when (c) {
                '"' -> return sb.toString()
                '\\' -> {
                    when (val e = text[pos++]) {
                        '"', '\\', '/' -> sb.append(e)
                        'b' -> sb.append('\b')
                        'f' -> sb.append('\u000C')
                        'n' -> sb.append('\n')
                        'r' -> sb.append('\r')
                        't' -> sb.append('\t')
                        'u' -> { sb.append(text.substring(pos, pos + 4).toInt(16).toChar()); pos += 4 }
                        else -> error("bad escape \\$e at $pos")
                    }
                }
                else -> sb.append(c)
            }
        }
    }

    private fun num(): Any {
        val start = pos
        if (text[pos] == '-') pos++
        while (pos < text.length && (text[pos].isDigit() || text[pos] in ".eE+-")) pos++
        val s = text.substring(start, pos)
        return s.toLongOrNull() ?: BigDecimal(s)
    }
}
