# expect: machine: quantum: '10 min': unknown time unit
[machine]
quantum = 10 min

[adu ctl]
memory = 8M
image = guest
