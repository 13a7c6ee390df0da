# Benchmark seed: BareOS measures the null hypercall round trip under vh.
[machine]
cpus = 1
[adu h]
memory = 8M
image = bareos
bootargs = app=hcall
