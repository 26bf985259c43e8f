graph [
  node [
    id 0
    label "r0c0"
    row 0
    col 0
  ]
  node [
    id 1
    label "r0c1"
    row 0
    col 1
  ]
  node [
    id 2
    label "r0c2"
    row 0
    col 2
  ]
  node [
    id 3
    label "r0c3"
    row 0
    col 3
  ]
  node [
    id 4
    label "r0c4"
    row 0
    col 4
  ]
  node [
    id 5
    label "r0c5"
    row 0
    col 5
  ]
  node [
    id 6
    label "r0c6"
    row 0
    col 6
  ]
  node [
    id 7
    label "r0c7"
    row 0
    col 7
  ]
  node [
    id 8
    label "r0c8"
    row 0
    col 8
  ]
  node [
    id 9
    label "r0c9"
    row 0
    col 9
  ]
  node [
    id 10
    label "r0c10"
    row 0
    col 10
  ]
  node [
    id 11
    label "r0c11"
    row 0
    col 11
  ]
  node [
    id 12
    label "r0c12"
    row 0
    col 12
  ]
  node [
    id 13
    label "r0c13"
    row 0
    col 13
  ]
  node [
    id 14
    label "r1c0"
    row 1
    col 0
  ]
  node [
    id 15
    label "r1c1"
    row 1
    col 1
  ]
  node [
    id 16
    label "r1c2"
    row 1
    col 2
  ]
  node [
    id 17
    label "r1c3"
    row 1
    col 3
  ]
  node [
    id 18
    label "r1c4"
    row 1
    col 4
  ]
  node [
    id 19
    label "r1c5"
    row 1
    col 5
  ]
  node [
    id 20
    label "r1c6"
    row 1
    col 6
  ]
  node [
    id 21
    label "r1c7"
    row 1
    col 7
  ]
  node [
    id 22
    label "r1c8"
    row 1
    col 8
  ]
  node [
    id 23
    label "r1c9"
    row 1
    col 9
  ]
  node [
    id 24
    label "r1c10"
    row 1
    col 10
  ]
  node [
    id 25
    label "r1c11"
    row 1
    col 11
  ]
  node [
    id 26
    label "r1c12"
    row 1
    col 12
  ]
  node [
    id 27
    label "r1c13"
    row 1
    col 13
  ]
  node [
    id 28
    label "r2c0"
    row 2
    col 0
  ]
  node [
    id 29
    label "r2c1"
    row 2
    col 1
  ]
  node [
    id 30
    label "r2c2"
    row 2
    col 2
  ]
  node [
    id 31
    label "r2c3"
    row 2
    col 3
  ]
  node [
    id 32
    label "r2c4"
    row 2
    col 4
  ]
  node [
    id 33
    label "r2c5"
    row 2
    col 5
  ]
  node [
    id 34
    label "r2c6"
    row 2
    col 6
  ]
  node [
    id 35
    label "r2c7"
    row 2
    col 7
  ]
  node [
    id 36
    label "r2c8"
    row 2
    col 8
  ]
  node [
    id 37
    label "r2c9"
    row 2
    col 9
  ]
  node [
    id 38
    label "r2c10"
    row 2
    col 10
  ]
  node [
    id 39
    label "r2c11"
    row 2
    col 11
  ]
  node [
    id 40
    label "r2c12"
    row 2
    col 12
  ]
  node [
    id 41
    label "r2c13"
    row 2
    col 13
  ]
  node [
    id 42
    label "r3c0"
    row 3
    col 0
  ]
  node [
    id 43
    label "r3c1"
    row 3
    col 1
  ]
  node [
    id 44
    label "r3c2"
    row 3
    col 2
  ]
  node [
    id 45
    label "r3c3"
    row 3
    col 3
  ]
  node [
    id 46
    label "r3c4"
    row 3
    col 4
  ]
  node [
    id 47
    label "r3c5"
    row 3
    col 5
  ]
  node [
    id 48
    label "r3c6"
    row 3
    col 6
  ]
  node [
    id 49
    label "r3c7"
    row 3
    col 7
  ]
  node [
    id 50
    label "r3c8"
    row 3
    col 8
  ]
  node [
    id 51
    label "r3c9"
    row 3
    col 9
  ]
  node [
    id 52
    label "r3c10"
    row 3
    col 10
  ]
  node [
    id 53
    label "r3c11"
    row 3
    col 11
  ]
  node [
    id 54
    label "r3c12"
    row 3
    col 12
  ]
  node [
    id 55
    label "r3c13"
    row 3
    col 13
  ]
  node [
    id 56
    label "r4c0"
    row 4
    col 0
  ]
  node [
    id 57
    label "r4c1"
    row 4
    col 1
  ]
  node [
    id 58
    label "r4c2"
    row 4
    col 2
  ]
  node [
    id 59
    label "r4c3"
    row 4
    col 3
  ]
  node [
    id 60
    label "r4c4"
    row 4
    col 4
  ]
  node [
    id 61
    label "r4c5"
    row 4
    col 5
  ]
  node [
    id 62
    label "r4c6"
    row 4
    col 6
  ]
  node [
    id 63
    label "r4c7"
    row 4
    col 7
  ]
  node [
    id 64
    label "r4c8"
    row 4
    col 8
  ]
  node [
    id 65
    label "r4c9"
    row 4
    col 9
  ]
  node [
    id 66
    label "r4c10"
    row 4
    col 10
  ]
  node [
    id 67
    label "r4c11"
    row 4
    col 11
  ]
  node [
    id 68
    label "r4c12"
    row 4
    col 12
  ]
  node [
    id 69
    label "r4c13"
    row 4
    col 13
  ]
  node [
    id 70
    label "r5c0"
    row 5
    col 0
  ]
  node [
    id 71
    label "r5c1"
    row 5
    col 1
  ]
  node [
    id 72
    label "r5c2"
    row 5
    col 2
  ]
  node [
    id 73
    label "r5c3"
    row 5
    col 3
  ]
  node [
    id 74
    label "r5c4"
    row 5
    col 4
  ]
  node [
    id 75
    label "r5c5"
    row 5
    col 5
  ]
  node [
    id 76
    label "r5c6"
    row 5
    col 6
  ]
  node [
    id 77
    label "r5c7"
    row 5
    col 7
  ]
  node [
    id 78
    label "r5c8"
    row 5
    col 8
  ]
  node [
    id 79
    label "r5c9"
    row 5
    col 9
  ]
  node [
    id 80
    label "r5c10"
    row 5
    col 10
  ]
  node [
    id 81
    label "r5c11"
    row 5
    col 11
  ]
  node [
    id 82
    label "r5c12"
    row 5
    col 12
  ]
  node [
    id 83
    label "r5c13"
    row 5
    col 13
  ]
  node [
    id 84
    label "r6c0"
    row 6
    col 0
  ]
  node [
    id 85
    label "r6c1"
    row 6
    col 1
  ]
  node [
    id 86
    label "r6c2"
    row 6
    col 2
  ]
  node [
    id 87
    label "r6c3"
    row 6
    col 3
  ]
  node [
    id 88
    label "r6c4"
    row 6
    col 4
  ]
  node [
    id 89
    label "r6c5"
    row 6
    col 5
  ]
  node [
    id 90
    label "r6c6"
    row 6
    col 6
  ]
  node [
    id 91
    label "r6c7"
    row 6
    col 7
  ]
  node [
    id 92
    label "r6c8"
    row 6
    col 8
  ]
  node [
    id 93
    label "r6c9"
    row 6
    col 9
  ]
  node [
    id 94
    label "r6c10"
    row 6
    col 10
  ]
  node [
    id 95
    label "r6c11"
    row 6
    col 11
  ]
  node [
    id 96
    label "r6c12"
    row 6
    col 12
  ]
  node [
    id 97
    label "r6c13"
    row 6
    col 13
  ]
  node [
    id 98
    label "r7c0"
    row 7
    col 0
  ]
  node [
    id 99
    label "r7c1"
    row 7
    col 1
  ]
  node [
    id 100
    label "r7c2"
    row 7
    col 2
  ]
  node [
    id 101
    label "r7c3"
    row 7
    col 3
  ]
  node [
    id 102
    label "r7c4"
    row 7
    col 4
  ]
  node [
    id 103
    label "r7c5"
    row 7
    col 5
  ]
  node [
    id 104
    label "r7c6"
    row 7
    col 6
  ]
  node [
    id 105
    label "r7c7"
    row 7
    col 7
  ]
  node [
    id 106
    label "r7c8"
    row 7
    col 8
  ]
  node [
    id 107
    label "r7c9"
    row 7
    col 9
  ]
  node [
    id 108
    label "r7c10"
    row 7
    col 10
  ]
  node [
    id 109
    label "r7c11"
    row 7
    col 11
  ]
  node [
    id 110
    label "r7c12"
    row 7
    col 12
  ]
  node [
    id 111
    label "r7c13"
    row 7
    col 13
  ]
  node [
    id 112
    label "r8c0"
    row 8
    col 0
  ]
  node [
    id 113
    label "r8c1"
    row 8
    col 1
  ]
  node [
    id 114
    label "r8c2"
    row 8
    col 2
  ]
  node [
    id 115
    label "r8c3"
    row 8
    col 3
  ]
  node [
    id 116
    label "r8c4"
    row 8
    col 4
  ]
  node [
    id 117
    label "r8c5"
    row 8
    col 5
  ]
  node [
    id 118
    label "r8c6"
    row 8
    col 6
  ]
  node [
    id 119
    label "r8c7"
    row 8
    col 7
  ]
  node [
    id 120
    label "r8c8"
    row 8
    col 8
  ]
  node [
    id 121
    label "r8c9"
    row 8
    col 9
  ]
  node [
    id 122
    label "r8c10"
    row 8
    col 10
  ]
  node [
    id 123
    label "r8c11"
    row 8
    col 11
  ]
  node [
    id 124
    label "r8c12"
    row 8
    col 12
  ]
  node [
    id 125
    label "r8c13"
    row 8
    col 13
  ]
  node [
    id 126
    label "r9c0"
    row 9
    col 0
  ]
  node [
    id 127
    label "r9c1"
    row 9
    col 1
  ]
  node [
    id 128
    label "r9c2"
    row 9
    col 2
  ]
  node [
    id 129
    label "r9c3"
    row 9
    col 3
  ]
  node [
    id 130
    label "r9c4"
    row 9
    col 4
  ]
  node [
    id 131
    label "r9c5"
    row 9
    col 5
  ]
  node [
    id 132
    label "r9c6"
    row 9
    col 6
  ]
  node [
    id 133
    label "r9c7"
    row 9
    col 7
  ]
  node [
    id 134
    label "r9c8"
    row 9
    col 8
  ]
  node [
    id 135
    label "r9c9"
    row 9
    col 9
  ]
  node [
    id 136
    label "r9c10"
    row 9
    col 10
  ]
  node [
    id 137
    label "r9c11"
    row 9
    col 11
  ]
  node [
    id 138
    label "r9c12"
    row 9
    col 12
  ]
  node [
    id 139
    label "r9c13"
    row 9
    col 13
  ]
  node [
    id 140
    label "r10c0"
    row 10
    col 0
  ]
  node [
    id 141
    label "r10c1"
    row 10
    col 1
  ]
  node [
    id 142
    label "r10c2"
    row 10
    col 2
  ]
  node [
    id 143
    label "r10c3"
    row 10
    col 3
  ]
  node [
    id 144
    label "r10c4"
    row 10
    col 4
  ]
  node [
    id 145
    label "r10c5"
    row 10
    col 5
  ]
  node [
    id 146
    label "r10c6"
    row 10
    col 6
  ]
  node [
    id 147
    label "r10c7"
    row 10
    col 7
  ]
  node [
    id 148
    label "r10c8"
    row 10
    col 8
  ]
  node [
    id 149
    label "r10c9"
    row 10
    col 9
  ]
  node [
    id 150
    label "r10c10"
    row 10
    col 10
  ]
  node [
    id 151
    label "r10c11"
    row 10
    col 11
  ]
  node [
    id 152
    label "r10c12"
    row 10
    col 12
  ]
  node [
    id 153
    label "r10c13"
    row 10
    col 13
  ]
  node [
    id 154
    label "r11c0"
    row 11
    col 0
  ]
  node [
    id 155
    label "r11c1"
    row 11
    col 1
  ]
  node [
    id 156
    label "r11c2"
    row 11
    col 2
  ]
  node [
    id 157
    label "r11c3"
    row 11
    col 3
  ]
  node [
    id 158
    label "r11c4"
    row 11
    col 4
  ]
  node [
    id 159
    label "r11c5"
    row 11
    col 5
  ]
  node [
    id 160
    label "r11c6"
    row 11
    col 6
  ]
  node [
    id 161
    label "r11c7"
    row 11
    col 7
  ]
  node [
    id 162
    label "r11c8"
    row 11
    col 8
  ]
  node [
    id 163
    label "r11c9"
    row 11
    col 9
  ]
  node [
    id 164
    label "r11c10"
    row 11
    col 10
  ]
  node [
    id 165
    label "r11c11"
    row 11
    col 11
  ]
  node [
    id 166
    label "r11c12"
    row 11
    col 12
  ]
  node [
    id 167
    label "r11c13"
    row 11
    col 13
  ]
  node [
    id 168
    label "r12c0"
    row 12
    col 0
  ]
  node [
    id 169
    label "r12c1"
    row 12
    col 1
  ]
  node [
    id 170
    label "r12c2"
    row 12
    col 2
  ]
  node [
    id 171
    label "r12c3"
    row 12
    col 3
  ]
  node [
    id 172
    label "r12c4"
    row 12
    col 4
  ]
  node [
    id 173
    label "r12c5"
    row 12
    col 5
  ]
  node [
    id 174
    label "r12c6"
    row 12
    col 6
  ]
  node [
    id 175
    label "r12c7"
    row 12
    col 7
  ]
  node [
    id 176
    label "r12c8"
    row 12
    col 8
  ]
  node [
    id 177
    label "r12c9"
    row 12
    col 9
  ]
  node [
    id 178
    label "r12c10"
    row 12
    col 10
  ]
  node [
    id 179
    label "r12c11"
    row 12
    col 11
  ]
  node [
    id 180
    label "r12c12"
    row 12
    col 12
  ]
  node [
    id 181
    label "r12c13"
    row 12
    col 13
  ]
  node [
    id 182
    label "r13c0"
    row 13
    col 0
  ]
  node [
    id 183
    label "r13c1"
    row 13
    col 1
  ]
  node [
    id 184
    label "r13c2"
    row 13
    col 2
  ]
  node [
    id 185
    label "r13c3"
    row 13
    col 3
  ]
  node [
    id 186
    label "r13c4"
    row 13
    col 4
  ]
  node [
    id 187
    label "r13c5"
    row 13
    col 5
  ]
  node [
    id 188
    label "r13c6"
    row 13
    col 6
  ]
  node [
    id 189
    label "r13c7"
    row 13
    col 7
  ]
  node [
    id 190
    label "r13c8"
    row 13
    col 8
  ]
  node [
    id 191
    label "r13c9"
    row 13
    col 9
  ]
  node [
    id 192
    label "r13c10"
    row 13
    col 10
  ]
  node [
    id 193
    label "r13c11"
    row 13
    col 11
  ]
  node [
    id 194
    label "r13c12"
    row 13
    col 12
  ]
  node [
    id 195
    label "r13c13"
    row 13
    col 13
  ]
  edge [
    source 0
    target 1
  ]
  edge [
    source 0
    target 14
  ]
  edge [
    source 0
    target 15
  ]
  edge [
    source 1
    target 2
  ]
  edge [
    source 1
    target 14
  ]
  edge [
    source 1
    target 15
  ]
  edge [
    source 1
    target 16
  ]
  edge [
    source 2
    target 3
  ]
  edge [
    source 2
    target 15
  ]
  edge [
    source 2
    target 16
  ]
  edge [
    source 2
    target 17
  ]
  edge [
    source 3
    target 4
  ]
  edge [
    source 3
    target 16
  ]
  edge [
    source 3
    target 17
  ]
  edge [
    source 3
    target 18
  ]
  edge [
    source 4
    target 5
  ]
  edge [
    source 4
    target 17
  ]
  edge [
    source 4
    target 18
  ]
  edge [
    source 4
    target 19
  ]
  edge [
    source 5
    target 6
  ]
  edge [
    source 5
    target 18
  ]
  edge [
    source 5
    target 19
  ]
  edge [
    source 5
    target 20
  ]
  edge [
    source 6
    target 7
  ]
  edge [
    source 6
    target 19
  ]
  edge [
    source 6
    target 20
  ]
  edge [
    source 6
    target 21
  ]
  edge [
    source 7
    target 8
  ]
  edge [
    source 7
    target 20
  ]
  edge [
    source 7
    target 21
  ]
  edge [
    source 7
    target 22
  ]
  edge [
    source 8
    target 9
  ]
  edge [
    source 8
    target 21
  ]
  edge [
    source 8
    target 22
  ]
  edge [
    source 8
    target 23
  ]
  edge [
    source 9
    target 10
  ]
  edge [
    source 9
    target 22
  ]
  edge [
    source 9
    target 23
  ]
  edge [
    source 9
    target 24
  ]
  edge [
    source 10
    target 11
  ]
  edge [
    source 10
    target 23
  ]
  edge [
    source 10
    target 24
  ]
  edge [
    source 10
    target 25
  ]
  edge [
    source 11
    target 12
  ]
  edge [
    source 11
    target 24
  ]
  edge [
    source 11
    target 25
  ]
  edge [
    source 11
    target 26
  ]
  edge [
    source 12
    target 13
  ]
  edge [
    source 12
    target 25
  ]
  edge [
    source 12
    target 26
  ]
  edge [
    source 12
    target 27
  ]
  edge [
    source 13
    target 26
  ]
  edge [
    source 13
    target 27
  ]
  edge [
    source 14
    target 15
  ]
  edge [
    source 14
    target 28
  ]
  edge [
    source 14
    target 29
  ]
  edge [
    source 15
    target 16
  ]
  edge [
    source 15
    target 28
  ]
  edge [
    source 15
    target 29
  ]
  edge [
    source 15
    target 30
  ]
  edge [
    source 16
    target 17
  ]
  edge [
    source 16
    target 29
  ]
  edge [
    source 16
    target 30
  ]
  edge [
    source 16
    target 31
  ]
  edge [
    source 17
    target 18
  ]
  edge [
    source 17
    target 30
  ]
  edge [
    source 17
    target 31
  ]
  edge [
    source 17
    target 32
  ]
  edge [
    source 18
    target 19
  ]
  edge [
    source 18
    target 31
  ]
  edge [
    source 18
    target 32
  ]
  edge [
    source 18
    target 33
  ]
  edge [
    source 19
    target 20
  ]
  edge [
    source 19
    target 32
  ]
  edge [
    source 19
    target 33
  ]
  edge [
    source 19
    target 34
  ]
  edge [
    source 20
    target 21
  ]
  edge [
    source 20
    target 33
  ]
  edge [
    source 20
    target 34
  ]
  edge [
    source 20
    target 35
  ]
  edge [
    source 21
    target 22
  ]
  edge [
    source 21
    target 34
  ]
  edge [
    source 21
    target 35
  ]
  edge [
    source 21
    target 36
  ]
  edge [
    source 22
    target 23
  ]
  edge [
    source 22
    target 35
  ]
  edge [
    source 22
    target 36
  ]
  edge [
    source 22
    target 37
  ]
  edge [
    source 23
    target 24
  ]
  edge [
    source 23
    target 36
  ]
  edge [
    source 23
    target 37
  ]
  edge [
    source 23
    target 38
  ]
  edge [
    source 24
    target 25
  ]
  edge [
    source 24
    target 37
  ]
  edge [
    source 24
    target 38
  ]
  edge [
    source 24
    target 39
  ]
  edge [
    source 25
    target 26
  ]
  edge [
    source 25
    target 38
  ]
  edge [
    source 25
    target 39
  ]
  edge [
    source 25
    target 40
  ]
  edge [
    source 26
    target 27
  ]
  edge [
    source 26
    target 39
  ]
  edge [
    source 26
    target 40
  ]
  edge [
    source 26
    target 41
  ]
  edge [
    source 27
    target 40
  ]
  edge [
    source 27
    target 41
  ]
  edge [
    source 28
    target 29
  ]
  edge [
    source 28
    target 42
  ]
  edge [
    source 28
    target 43
  ]
  edge [
    source 29
    target 30
  ]
  edge [
    source 29
    target 42
  ]
  edge [
    source 29
    target 43
  ]
  edge [
    source 29
    target 44
  ]
  edge [
    source 30
    target 31
  ]
  edge [
    source 30
    target 43
  ]
  edge [
    source 30
    target 44
  ]
  edge [
    source 30
    target 45
  ]
  edge [
    source 31
    target 32
  ]
  edge [
    source 31
    target 44
  ]
  edge [
    source 31
    target 45
  ]
  edge [
    source 31
    target 46
  ]
  edge [
    source 32
    target 33
  ]
  edge [
    source 32
    target 45
  ]
  edge [
    source 32
    target 46
  ]
  edge [
    source 32
    target 47
  ]
  edge [
    source 33
    target 34
  ]
  edge [
    source 33
    target 46
  ]
  edge [
    source 33
    target 47
  ]
  edge [
    source 33
    target 48
  ]
  edge [
    source 34
    target 35
  ]
  edge [
    source 34
    target 47
  ]
  edge [
    source 34
    target 48
  ]
  edge [
    source 34
    target 49
  ]
  edge [
    source 35
    target 36
  ]
  edge [
    source 35
    target 48
  ]
  edge [
    source 35
    target 49
  ]
  edge [
    source 35
    target 50
  ]
  edge [
    source 36
    target 37
  ]
  edge [
    source 36
    target 49
  ]
  edge [
    source 36
    target 50
  ]
  edge [
    source 36
    target 51
  ]
  edge [
    source 37
    target 38
  ]
  edge [
    source 37
    target 50
  ]
  edge [
    source 37
    target 51
  ]
  edge [
    source 37
    target 52
  ]
  edge [
    source 38
    target 39
  ]
  edge [
    source 38
    target 51
  ]
  edge [
    source 38
    target 52
  ]
  edge [
    source 38
    target 53
  ]
  edge [
    source 39
    target 40
  ]
  edge [
    source 39
    target 52
  ]
  edge [
    source 39
    target 53
  ]
  edge [
    source 39
    target 54
  ]
  edge [
    source 40
    target 41
  ]
  edge [
    source 40
    target 53
  ]
  edge [
    source 40
    target 54
  ]
  edge [
    source 40
    target 55
  ]
  edge [
    source 41
    target 54
  ]
  edge [
    source 41
    target 55
  ]
  edge [
    source 42
    target 43
  ]
  edge [
    source 42
    target 56
  ]
  edge [
    source 42
    target 57
  ]
  edge [
    source 43
    target 44
  ]
  edge [
    source 43
    target 56
  ]
  edge [
    source 43
    target 57
  ]
  edge [
    source 43
    target 58
  ]
  edge [
    source 44
    target 45
  ]
  edge [
    source 44
    target 57
  ]
  edge [
    source 44
    target 58
  ]
  edge [
    source 44
    target 59
  ]
  edge [
    source 45
    target 46
  ]
  edge [
    source 45
    target 58
  ]
  edge [
    source 45
    target 59
  ]
  edge [
    source 45
    target 60
  ]
  edge [
    source 46
    target 47
  ]
  edge [
    source 46
    target 59
  ]
  edge [
    source 46
    target 60
  ]
  edge [
    source 46
    target 61
  ]
  edge [
    source 47
    target 48
  ]
  edge [
    source 47
    target 60
  ]
  edge [
    source 47
    target 61
  ]
  edge [
    source 47
    target 62
  ]
  edge [
    source 48
    target 49
  ]
  edge [
    source 48
    target 61
  ]
  edge [
    source 48
    target 62
  ]
  edge [
    source 48
    target 63
  ]
  edge [
    source 49
    target 50
  ]
  edge [
    source 49
    target 62
  ]
  edge [
    source 49
    target 63
  ]
  edge [
    source 49
    target 64
  ]
  edge [
    source 50
    target 51
  ]
  edge [
    source 50
    target 63
  ]
  edge [
    source 50
    target 64
  ]
  edge [
    source 50
    target 65
  ]
  edge [
    source 51
    target 52
  ]
  edge [
    source 51
    target 64
  ]
  edge [
    source 51
    target 65
  ]
  edge [
    source 51
    target 66
  ]
  edge [
    source 52
    target 53
  ]
  edge [
    source 52
    target 65
  ]
  edge [
    source 52
    target 66
  ]
  edge [
    source 52
    target 67
  ]
  edge [
    source 53
    target 54
  ]
  edge [
    source 53
    target 66
  ]
  edge [
    source 53
    target 67
  ]
  edge [
    source 53
    target 68
  ]
  edge [
    source 54
    target 55
  ]
  edge [
    source 54
    target 67
  ]
  edge [
    source 54
    target 68
  ]
  edge [
    source 54
    target 69
  ]
  edge [
    source 55
    target 68
  ]
  edge [
    source 55
    target 69
  ]
  edge [
    source 56
    target 57
  ]
  edge [
    source 56
    target 70
  ]
  edge [
    source 56
    target 71
  ]
  edge [
    source 57
    target 58
  ]
  edge [
    source 57
    target 70
  ]
  edge [
    source 57
    target 71
  ]
  edge [
    source 57
    target 72
  ]
  edge [
    source 58
    target 59
  ]
  edge [
    source 58
    target 71
  ]
  edge [
    source 58
    target 72
  ]
  edge [
    source 58
    target 73
  ]
  edge [
    source 59
    target 60
  ]
  edge [
    source 59
    target 72
  ]
  edge [
    source 59
    target 73
  ]
  edge [
    source 59
    target 74
  ]
  edge [
    source 60
    target 61
  ]
  edge [
    source 60
    target 73
  ]
  edge [
    source 60
    target 74
  ]
  edge [
    source 60
    target 75
  ]
  edge [
    source 61
    target 62
  ]
  edge [
    source 61
    target 74
  ]
  edge [
    source 61
    target 75
  ]
  edge [
    source 61
    target 76
  ]
  edge [
    source 62
    target 63
  ]
  edge [
    source 62
    target 75
  ]
  edge [
    source 62
    target 76
  ]
  edge [
    source 62
    target 77
  ]
  edge [
    source 63
    target 64
  ]
  edge [
    source 63
    target 76
  ]
  edge [
    source 63
    target 77
  ]
  edge [
    source 63
    target 78
  ]
  edge [
    source 64
    target 65
  ]
  edge [
    source 64
    target 77
  ]
  edge [
    source 64
    target 78
  ]
  edge [
    source 64
    target 79
  ]
  edge [
    source 65
    target 66
  ]
  edge [
    source 65
    target 78
  ]
  edge [
    source 65
    target 79
  ]
  edge [
    source 65
    target 80
  ]
  edge [
    source 66
    target 67
  ]
  edge [
    source 66
    target 79
  ]
  edge [
    source 66
    target 80
  ]
  edge [
    source 66
    target 81
  ]
  edge [
    source 67
    target 68
  ]
  edge [
    source 67
    target 80
  ]
  edge [
    source 67
    target 81
  ]
  edge [
    source 67
    target 82
  ]
  edge [
    source 68
    target 69
  ]
  edge [
    source 68
    target 81
  ]
  edge [
    source 68
    target 82
  ]
  edge [
    source 68
    target 83
  ]
  edge [
    source 69
    target 82
  ]
  edge [
    source 69
    target 83
  ]
  edge [
    source 70
    target 71
  ]
  edge [
    source 70
    target 84
  ]
  edge [
    source 70
    target 85
  ]
  edge [
    source 71
    target 72
  ]
  edge [
    source 71
    target 84
  ]
  edge [
    source 71
    target 85
  ]
  edge [
    source 71
    target 86
  ]
  edge [
    source 72
    target 73
  ]
  edge [
    source 72
    target 85
  ]
  edge [
    source 72
    target 86
  ]
  edge [
    source 72
    target 87
  ]
  edge [
    source 73
    target 74
  ]
  edge [
    source 73
    target 86
  ]
  edge [
    source 73
    target 87
  ]
  edge [
    source 73
    target 88
  ]
  edge [
    source 74
    target 75
  ]
  edge [
    source 74
    target 87
  ]
  edge [
    source 74
    target 88
  ]
  edge [
    source 74
    target 89
  ]
  edge [
    source 75
    target 76
  ]
  edge [
    source 75
    target 88
  ]
  edge [
    source 75
    target 89
  ]
  edge [
    source 75
    target 90
  ]
  edge [
    source 76
    target 77
  ]
  edge [
    source 76
    target 89
  ]
  edge [
    source 76
    target 90
  ]
  edge [
    source 76
    target 91
  ]
  edge [
    source 77
    target 78
  ]
  edge [
    source 77
    target 90
  ]
  edge [
    source 77
    target 91
  ]
  edge [
    source 77
    target 92
  ]
  edge [
    source 78
    target 79
  ]
  edge [
    source 78
    target 91
  ]
  edge [
    source 78
    target 92
  ]
  edge [
    source 78
    target 93
  ]
  edge [
    source 79
    target 80
  ]
  edge [
    source 79
    target 92
  ]
  edge [
    source 79
    target 93
  ]
  edge [
    source 79
    target 94
  ]
  edge [
    source 80
    target 81
  ]
  edge [
    source 80
    target 93
  ]
  edge [
    source 80
    target 94
  ]
  edge [
    source 80
    target 95
  ]
  edge [
    source 81
    target 82
  ]
  edge [
    source 81
    target 94
  ]
  edge [
    source 81
    target 95
  ]
  edge [
    source 81
    target 96
  ]
  edge [
    source 82
    target 83
  ]
  edge [
    source 82
    target 95
  ]
  edge [
    source 82
    target 96
  ]
  edge [
    source 82
    target 97
  ]
  edge [
    source 83
    target 96
  ]
  edge [
    source 83
    target 97
  ]
  edge [
    source 84
    target 85
  ]
  edge [
    source 84
    target 98
  ]
  edge [
    source 84
    target 99
  ]
  edge [
    source 85
    target 86
  ]
  edge [
    source 85
    target 98
  ]
  edge [
    source 85
    target 99
  ]
  edge [
    source 85
    target 100
  ]
  edge [
    source 86
    target 87
  ]
  edge [
    source 86
    target 99
  ]
  edge [
    source 86
    target 100
  ]
  edge [
    source 86
    target 101
  ]
  edge [
    source 87
    target 88
  ]
  edge [
    source 87
    target 100
  ]
  edge [
    source 87
    target 101
  ]
  edge [
    source 87
    target 102
  ]
  edge [
    source 88
    target 89
  ]
  edge [
    source 88
    target 101
  ]
  edge [
    source 88
    target 102
  ]
  edge [
    source 88
    target 103
  ]
  edge [
    source 89
    target 90
  ]
  edge [
    source 89
    target 102
  ]
  edge [
    source 89
    target 103
  ]
  edge [
    source 89
    target 104
  ]
  edge [
    source 90
    target 91
  ]
  edge [
    source 90
    target 103
  ]
  edge [
    source 90
    target 104
  ]
  edge [
    source 90
    target 105
  ]
  edge [
    source 91
    target 92
  ]
  edge [
    source 91
    target 104
  ]
  edge [
    source 91
    target 105
  ]
  edge [
    source 91
    target 106
  ]
  edge [
    source 92
    target 93
  ]
  edge [
    source 92
    target 105
  ]
  edge [
    source 92
    target 106
  ]
  edge [
    source 92
    target 107
  ]
  edge [
    source 93
    target 94
  ]
  edge [
    source 93
    target 106
  ]
  edge [
    source 93
    target 107
  ]
  edge [
    source 93
    target 108
  ]
  edge [
    source 94
    target 95
  ]
  edge [
    source 94
    target 107
  ]
  edge [
    source 94
    target 108
  ]
  edge [
    source 94
    target 109
  ]
  edge [
    source 95
    target 96
  ]
  edge [
    source 95
    target 108
  ]
  edge [
    source 95
    target 109
  ]
  edge [
    source 95
    target 110
  ]
  edge [
    source 96
    target 97
  ]
  edge [
    source 96
    target 109
  ]
  edge [
    source 96
    target 110
  ]
  edge [
    source 96
    target 111
  ]
  edge [
    source 97
    target 110
  ]
  edge [
    source 97
    target 111
  ]
  edge [
    source 98
    target 99
  ]
  edge [
    source 98
    target 112
  ]
  edge [
    source 98
    target 113
  ]
  edge [
    source 99
    target 100
  ]
  edge [
    source 99
    target 112
  ]
  edge [
    source 99
    target 113
  ]
  edge [
    source 99
    target 114
  ]
  edge [
    source 100
    target 101
  ]
  edge [
    source 100
    target 113
  ]
  edge [
    source 100
    target 114
  ]
  edge [
    source 100
    target 115
  ]
  edge [
    source 101
    target 102
  ]
  edge [
    source 101
    target 114
  ]
  edge [
    source 101
    target 115
  ]
  edge [
    source 101
    target 116
  ]
  edge [
    source 102
    target 103
  ]
  edge [
    source 102
    target 115
  ]
  edge [
    source 102
    target 116
  ]
  edge [
    source 102
    target 117
  ]
  edge [
    source 103
    target 104
  ]
  edge [
    source 103
    target 116
  ]
  edge [
    source 103
    target 117
  ]
  edge [
    source 103
    target 118
  ]
  edge [
    source 104
    target 105
  ]
  edge [
    source 104
    target 117
  ]
  edge [
    source 104
    target 118
  ]
  edge [
    source 104
    target 119
  ]
  edge [
    source 105
    target 106
  ]
  edge [
    source 105
    target 118
  ]
  edge [
    source 105
    target 119
  ]
  edge [
    source 105
    target 120
  ]
  edge [
    source 106
    target 107
  ]
  edge [
    source 106
    target 119
  ]
  edge [
    source 106
    target 120
  ]
  edge [
    source 106
    target 121
  ]
  edge [
    source 107
    target 108
  ]
  edge [
    source 107
    target 120
  ]
  edge [
    source 107
    target 121
  ]
  edge [
    source 107
    target 122
  ]
  edge [
    source 108
    target 109
  ]
  edge [
    source 108
    target 121
  ]
  edge [
    source 108
    target 122
  ]
  edge [
    source 108
    target 123
  ]
  edge [
    source 109
    target 110
  ]
  edge [
    source 109
    target 122
  ]
  edge [
    source 109
    target 123
  ]
  edge [
    source 109
    target 124
  ]
  edge [
    source 110
    target 111
  ]
  edge [
    source 110
    target 123
  ]
  edge [
    source 110
    target 124
  ]
  edge [
    source 110
    target 125
  ]
  edge [
    source 111
    target 124
  ]
  edge [
    source 111
    target 125
  ]
  edge [
    source 112
    target 113
  ]
  edge [
    source 112
    target 126
  ]
  edge [
    source 112
    target 127
  ]
  edge [
    source 113
    target 114
  ]
  edge [
    source 113
    target 126
  ]
  edge [
    source 113
    target 127
  ]
  edge [
    source 113
    target 128
  ]
  edge [
    source 114
    target 115
  ]
  edge [
    source 114
    target 127
  ]
  edge [
    source 114
    target 128
  ]
  edge [
    source 114
    target 129
  ]
  edge [
    source 115
    target 116
  ]
  edge [
    source 115
    target 128
  ]
  edge [
    source 115
    target 129
  ]
  edge [
    source 115
    target 130
  ]
  edge [
    source 116
    target 117
  ]
  edge [
    source 116
    target 129
  ]
  edge [
    source 116
    target 130
  ]
  edge [
    source 116
    target 131
  ]
  edge [
    source 117
    target 118
  ]
  edge [
    source 117
    target 130
  ]
  edge [
    source 117
    target 131
  ]
  edge [
    source 117
    target 132
  ]
  edge [
    source 118
    target 119
  ]
  edge [
    source 118
    target 131
  ]
  edge [
    source 118
    target 132
  ]
  edge [
    source 118
    target 133
  ]
  edge [
    source 119
    target 120
  ]
  edge [
    source 119
    target 132
  ]
  edge [
    source 119
    target 133
  ]
  edge [
    source 119
    target 134
  ]
  edge [
    source 120
    target 121
  ]
  edge [
    source 120
    target 133
  ]
  edge [
    source 120
    target 134
  ]
  edge [
    source 120
    target 135
  ]
  edge [
    source 121
    target 122
  ]
  edge [
    source 121
    target 134
  ]
  edge [
    source 121
    target 135
  ]
  edge [
    source 121
    target 136
  ]
  edge [
    source 122
    target 123
  ]
  edge [
    source 122
    target 135
  ]
  edge [
    source 122
    target 136
  ]
  edge [
    source 122
    target 137
  ]
  edge [
    source 123
    target 124
  ]
  edge [
    source 123
    target 136
  ]
  edge [
    source 123
    target 137
  ]
  edge [
    source 123
    target 138
  ]
  edge [
    source 124
    target 125
  ]
  edge [
    source 124
    target 137
  ]
  edge [
    source 124
    target 138
  ]
  edge [
    source 124
    target 139
  ]
  edge [
    source 125
    target 138
  ]
  edge [
    source 125
    target 139
  ]
  edge [
    source 126
    target 127
  ]
  edge [
    source 126
    target 140
  ]
  edge [
    source 126
    target 141
  ]
  edge [
    source 127
    target 128
  ]
  edge [
    source 127
    target 140
  ]
  edge [
    source 127
    target 141
  ]
  edge [
    source 127
    target 142
  ]
  edge [
    source 128
    target 129
  ]
  edge [
    source 128
    target 141
  ]
  edge [
    source 128
    target 142
  ]
  edge [
    source 128
    target 143
  ]
  edge [
    source 129
    target 130
  ]
  edge [
    source 129
    target 142
  ]
  edge [
    source 129
    target 143
  ]
  edge [
    source 129
    target 144
  ]
  edge [
    source 130
    target 131
  ]
  edge [
    source 130
    target 143
  ]
  edge [
    source 130
    target 144
  ]
  edge [
    source 130
    target 145
  ]
  edge [
    source 131
    target 132
  ]
  edge [
    source 131
    target 144
  ]
  edge [
    source 131
    target 145
  ]
  edge [
    source 131
    target 146
  ]
  edge [
    source 132
    target 133
  ]
  edge [
    source 132
    target 145
  ]
  edge [
    source 132
    target 146
  ]
  edge [
    source 132
    target 147
  ]
  edge [
    source 133
    target 134
  ]
  edge [
    source 133
    target 146
  ]
  edge [
    source 133
    target 147
  ]
  edge [
    source 133
    target 148
  ]
  edge [
    source 134
    target 135
  ]
  edge [
    source 134
    target 147
  ]
  edge [
    source 134
    target 148
  ]
  edge [
    source 134
    target 149
  ]
  edge [
    source 135
    target 136
  ]
  edge [
    source 135
    target 148
  ]
  edge [
    source 135
    target 149
  ]
  edge [
    source 135
    target 150
  ]
  edge [
    source 136
    target 137
  ]
  edge [
    source 136
    target 149
  ]
  edge [
    source 136
    target 150
  ]
  edge [
    source 136
    target 151
  ]
  edge [
    source 137
    target 138
  ]
  edge [
    source 137
    target 150
  ]
  edge [
    source 137
    target 151
  ]
  edge [
    source 137
    target 152
  ]
  edge [
    source 138
    target 139
  ]
  edge [
    source 138
    target 151
  ]
  edge [
    source 138
    target 152
  ]
  edge [
    source 138
    target 153
  ]
  edge [
    source 139
    target 152
  ]
  edge [
    source 139
    target 153
  ]
  edge [
    source 140
    target 141
  ]
  edge [
    source 140
    target 154
  ]
  edge [
    source 140
    target 155
  ]
  edge [
    source 141
    target 142
  ]
  edge [
    source 141
    target 154
  ]
  edge [
    source 141
    target 155
  ]
  edge [
    source 141
    target 156
  ]
  edge [
    source 142
    target 143
  ]
  edge [
    source 142
    target 155
  ]
  edge [
    source 142
    target 156
  ]
  edge [
    source 142
    target 157
  ]
  edge [
    source 143
    target 144
  ]
  edge [
    source 143
    target 156
  ]
  edge [
    source 143
    target 157
  ]
  edge [
    source 143
    target 158
  ]
  edge [
    source 144
    target 145
  ]
  edge [
    source 144
    target 157
  ]
  edge [
    source 144
    target 158
  ]
  edge [
    source 144
    target 159
  ]
  edge [
    source 145
    target 146
  ]
  edge [
    source 145
    target 158
  ]
  edge [
    source 145
    target 159
  ]
  edge [
    source 145
    target 160
  ]
  edge [
    source 146
    target 147
  ]
  edge [
    source 146
    target 159
  ]
  edge [
    source 146
    target 160
  ]
  edge [
    source 146
    target 161
  ]
  edge [
    source 147
    target 148
  ]
  edge [
    source 147
    target 160
  ]
  edge [
    source 147
    target 161
  ]
  edge [
    source 147
    target 162
  ]
  edge [
    source 148
    target 149
  ]
  edge [
    source 148
    target 161
  ]
  edge [
    source 148
    target 162
  ]
  edge [
    source 148
    target 163
  ]
  edge [
    source 149
    target 150
  ]
  edge [
    source 149
    target 162
  ]
  edge [
    source 149
    target 163
  ]
  edge [
    source 149
    target 164
  ]
  edge [
    source 150
    target 151
  ]
  edge [
    source 150
    target 163
  ]
  edge [
    source 150
    target 164
  ]
  edge [
    source 150
    target 165
  ]
  edge [
    source 151
    target 152
  ]
  edge [
    source 151
    target 164
  ]
  edge [
    source 151
    target 165
  ]
  edge [
    source 151
    target 166
  ]
  edge [
    source 152
    target 153
  ]
  edge [
    source 152
    target 165
  ]
  edge [
    source 152
    target 166
  ]
  edge [
    source 152
    target 167
  ]
  edge [
    source 153
    target 166
  ]
  edge [
    source 153
    target 167
  ]
  edge [
    source 154
    target 155
  ]
  edge [
    source 154
    target 168
  ]
  edge [
    source 154
    target 169
  ]
  edge [
    source 155
    target 156
  ]
  edge [
    source 155
    target 168
  ]
  edge [
    source 155
    target 169
  ]
  edge [
    source 155
    target 170
  ]
  edge [
    source 156
    target 157
  ]
  edge [
    source 156
    target 169
  ]
  edge [
    source 156
    target 170
  ]
  edge [
    source 156
    target 171
  ]
  edge [
    source 157
    target 158
  ]
  edge [
    source 157
    target 170
  ]
  edge [
    source 157
    target 171
  ]
  edge [
    source 157
    target 172
  ]
  edge [
    source 158
    target 159
  ]
  edge [
    source 158
    target 171
  ]
  edge [
    source 158
    target 172
  ]
  edge [
    source 158
    target 173
  ]
  edge [
    source 159
    target 160
  ]
  edge [
    source 159
    target 172
  ]
  edge [
    source 159
    target 173
  ]
  edge [
    source 159
    target 174
  ]
  edge [
    source 160
    target 161
  ]
  edge [
    source 160
    target 173
  ]
  edge [
    source 160
    target 174
  ]
  edge [
    source 160
    target 175
  ]
  edge [
    source 161
    target 162
  ]
  edge [
    source 161
    target 174
  ]
  edge [
    source 161
    target 175
  ]
  edge [
    source 161
    target 176
  ]
  edge [
    source 162
    target 163
  ]
  edge [
    source 162
    target 175
  ]
  edge [
    source 162
    target 176
  ]
  edge [
    source 162
    target 177
  ]
  edge [
    source 163
    target 164
  ]
  edge [
    source 163
    target 176
  ]
  edge [
    source 163
    target 177
  ]
  edge [
    source 163
    target 178
  ]
  edge [
    source 164
    target 165
  ]
  edge [
    source 164
    target 177
  ]
  edge [
    source 164
    target 178
  ]
  edge [
    source 164
    target 179
  ]
  edge [
    source 165
    target 166
  ]
  edge [
    source 165
    target 178
  ]
  edge [
    source 165
    target 179
  ]
  edge [
    source 165
    target 180
  ]
  edge [
    source 166
    target 167
  ]
  edge [
    source 166
    target 179
  ]
  edge [
    source 166
    target 180
  ]
  edge [
    source 166
    target 181
  ]
  edge [
    source 167
    target 180
  ]
  edge [
    source 167
    target 181
  ]
  edge [
    source 168
    target 169
  ]
  edge [
    source 168
    target 182
  ]
  edge [
    source 168
    target 183
  ]
  edge [
    source 169
    target 170
  ]
  edge [
    source 169
    target 182
  ]
  edge [
    source 169
    target 183
  ]
  edge [
    source 169
    target 184
  ]
  edge [
    source 170
    target 171
  ]
  edge [
    source 170
    target 183
  ]
  edge [
    source 170
    target 184
  ]
  edge [
    source 170
    target 185
  ]
  edge [
    source 171
    target 172
  ]
  edge [
    source 171
    target 184
  ]
  edge [
    source 171
    target 185
  ]
  edge [
    source 171
    target 186
  ]
  edge [
    source 172
    target 173
  ]
  edge [
    source 172
    target 185
  ]
  edge [
    source 172
    target 186
  ]
  edge [
    source 172
    target 187
  ]
  edge [
    source 173
    target 174
  ]
  edge [
    source 173
    target 186
  ]
  edge [
    source 173
    target 187
  ]
  edge [
    source 173
    target 188
  ]
  edge [
    source 174
    target 175
  ]
  edge [
    source 174
    target 187
  ]
  edge [
    source 174
    target 188
  ]
  edge [
    source 174
    target 189
  ]
  edge [
    source 175
    target 176
  ]
  edge [
    source 175
    target 188
  ]
  edge [
    source 175
    target 189
  ]
  edge [
    source 175
    target 190
  ]
  edge [
    source 176
    target 177
  ]
  edge [
    source 176
    target 189
  ]
  edge [
    source 176
    target 190
  ]
  edge [
    source 176
    target 191
  ]
  edge [
    source 177
    target 178
  ]
  edge [
    source 177
    target 190
  ]
  edge [
    source 177
    target 191
  ]
  edge [
    source 177
    target 192
  ]
  edge [
    source 178
    target 179
  ]
  edge [
    source 178
    target 191
  ]
  edge [
    source 178
    target 192
  ]
  edge [
    source 178
    target 193
  ]
  edge [
    source 179
    target 180
  ]
  edge [
    source 179
    target 192
  ]
  edge [
    source 179
    target 193
  ]
  edge [
    source 179
    target 194
  ]
  edge [
    source 180
    target 181
  ]
  edge [
    source 180
    target 193
  ]
  edge [
    source 180
    target 194
  ]
  edge [
    source 180
    target 195
  ]
  edge [
    source 181
    target 194
  ]
  edge [
    source 181
    target 195
  ]
  edge [
    source 182
    target 183
  ]
  edge [
    source 183
    target 184
  ]
  edge [
    source 184
    target 185
  ]
  edge [
    source 185
    target 186
  ]
  edge [
    source 186
    target 187
  ]
  edge [
    source 187
    target 188
  ]
  edge [
    source 188
    target 189
  ]
  edge [
    source 189
    target 190
  ]
  edge [
    source 190
    target 191
  ]
  edge [
    source 191
    target 192
  ]
  edge [
    source 192
    target 193
  ]
  edge [
    source 193
    target 194
  ]
  edge [
    source 194
    target 195
  ]
]
