// Per-call time of checking one small record through the uniffi binding on the JVM
// (scripts/bench-overhead.sh). Usage: OverheadKt <record> [calls]
package cn.guidang.tests

import cn.guidang.checkPath

object Overhead {
    @JvmStatic
    fun main(args: Array<String>) {
        val path = args[0]
        val calls = args.getOrElse(1) { "2000" }.toInt()
        repeat(calls / 2) { checkPath(path) } // JIT warm-up
        val t0 = System.nanoTime()
        var n = 0
        repeat(calls) { n += checkPath(path).findings.size }
        val us = (System.nanoTime() - t0) / 1000.0 / calls
        println("jvm: %.1f us/call (%d calls of checkPath, %d findings)".format(us, calls, n))
    }
}
