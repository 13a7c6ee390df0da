# Integration test: an ADU resets itself through SBI SRST; only it
# restarts, its neighbour goes on counting.
[machine]
cpus = 2
[adu rst]
memory = 8M
image = bareos
bootargs = app=reset period=100 after=3
[adu steady]
memory = 8M
image = bareos
bootargs = app=demo period=100
