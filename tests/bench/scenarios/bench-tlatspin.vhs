# Benchmark (make bench, part 3): timer-to-first-instruction latency (busy-waiting) of a
# best-effort BareOS guest under vh (compare: the same app natively).
[machine]
cpus = 1
[adu t]
memory = 8M
image = bareos
bootargs = app=tlat n=1000 delta=1000 mode=spin
