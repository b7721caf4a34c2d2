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

/** Compact JSON text of parsed JSON values (maps, lists, strings, numbers, booleans, null). */
fun jsonText(v: Any?): String = StringBuilder().also { writeJson(it, v) }.toString()

private fun writeJson(out: StringBuilder, v: Any?) {
    when (v) {
        null -> out.append("null")
        is String -> {
            out.append('"')
            for (c in v) {
                when {
                    c == '"' -> out.append("\\\"")
                    c == '\\' -> out.append("\\\\")
                    c == '\n' -> out.append("\\n")
                    c == '\r' -> out.append("\\r")
                    c == '\t' -> out.append("\\t")
                    c < ' ' -> out.append(String.format("\\u%04x", c.code))
                    else -> out.append(c)
                }
            }
            out.append('"')
        }
        is Boolean, is Long, is Int -> out.append(v.toString())
        is java.math.BigDecimal -> out.append(v.toPlainString())
        is Map<*, *> -> {
            out.append('{')
            var first = true
            for ((k, value) in v) {
                if (!first) out.append(',')
                first = false
                writeJson(out, k as String)
                out.append(':')
                writeJson(out, value)
            }
            out.append('}')
        }
        is List<*> -> {
            out.append('[')
            v.forEachIndexed { i, item ->
                if (i > 0) out.append(',')
                writeJson(out, item)
            }
            out.append(']')
        }
        else -> error("cannot write ${v::class} as JSON")
    }
}
