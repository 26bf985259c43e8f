graph [
  node [
    id 0
    label "hip"
    xy 0.0
    xy 0.0
    z 0.0
  ]
  node [
    id 1
    label "r_hip"
    xy -0.10904
    xy 0.01634
    z 0.08296
  ]
  node [
    id 2
    label "r_knee"
    xy -0.17298
    xy -0.29377
    z 0.36491
  ]
  node [
    id 3
    label "r_ankle"
    xy -0.34025
    xy -0.44546
    z -0.02989
  ]
  node [
    id 4
    label "l_hip"
    xy 0.1064
    xy -0.01594
    z -0.08095
  ]
  node [
    id 5
    label "l_knee"
    xy 0.15635
    xy -0.43619
    z -0.10095
  ]
  node [
    id 6
    label "l_ankle"
    xy -0.15576
    xy -0.17621
    z -0.28912
  ]
  node [
    id 7
    label "spine"
    xy 0.01873
    xy 0.22242
    z -0.01919
  ]
  node [
    id 8
    label "thorax"
    xy 0.01302
    xy 0.48145
    z -0.04523
  ]
  node [
    id 9
    label "neck_nose"
    xy 0.04299
    xy 0.58844
    z 0.01694
  ]
  node [
    id 10
    label "head"
    xy 0.07538
    xy 0.68775
    z 0.07253
  ]
  node [
    id 11
    label "l_shoulder"
    xy 0.14599
    xy 0.4927
    z -0.12867
  ]
  node [
    id 12
    label "l_elbow"
    xy 0.40692
    xy 0.43643
    z -0.03758
  ]
  node [
    id 13
    label "l_wrist"
    xy 0.40454
    xy 0.64845
    z 0.09593
  ]
  node [
    id 14
    label "r_shoulder"
    xy -0.11672
    xy 0.47048
    z 0.03618
  ]
  node [
    id 15
    label "r_elbow"
    xy -0.31969
    xy 0.29861
    z -0.07267
  ]
  node [
    id 16
    label "r_wrist"
    xy -0.20204
    xy 0.29068
    z 0.16577
  ]
  edge [
    source 0
    target 1
  ]
  edge [
    source 0
    target 4
  ]
  edge [
    source 0
    target 7
  ]
  edge [
    source 1
    target 2
  ]
  edge [
    source 2
    target 3
  ]
  edge [
    source 4
    target 5
  ]
  edge [
    source 5
    target 6
  ]
  edge [
    source 7
    target 8
  ]
  edge [
    source 8
    target 9
  ]
  edge [
    source 8
    target 11
  ]
  edge [
    source 8
    target 14
  ]
  edge [
    source 9
    target 10
  ]
  edge [
    source 11
    target 12
  ]
  edge [
    source 12
    target 13
  ]
  edge [
    source 14
    target 15
  ]
  edge [
    source 15
    target 16
  ]
]
