graph [
  directed 1
  multigraph 1
  node [
    id 0
    label "Marie Curie"
  ]
  node [
    id 1
    label "Pierre Curie"
  ]
  node [
    id 2
    label "Warsaw"
  ]
  node [
    id 3
    label "Poland"
  ]
  node [
    id 4
    label "Paris"
  ]
  node [
    id 5
    label "France"
  ]
  node [
    id 6
    label "Jacques Curie"
  ]
  node [
    id 7
    label "Ir&#232;ne Joliot-Curie"
  ]
  node [
    id 8
    label "&#200;ve Curie"
  ]
  node [
    id 9
    label "Fr&#233;d&#233;ric Joliot-Curie"
  ]
  node [
    id 10
    label "Henri Becquerel"
  ]
  node [
    id 11
    label "radioactivity"
  ]
  node [
    id 12
    label "polonium"
  ]
  node [
    id 13
    label "radium"
  ]
  node [
    id 14
    label "piezoelectricity"
  ]
  node [
    id 15
    label "artificial radioactivity"
  ]
  node [
    id 16
    label "chemical element"
  ]
  node [
    id 17
    label "Nobel Prize in Physics 1903"
  ]
  node [
    id 18
    label "Nobel Prize in Chemistry 1911"
  ]
  node [
    id 19
    label "Nobel Prize in Chemistry 1935"
  ]
  node [
    id 20
    label "University of Paris"
  ]
  node [
    id 21
    label "Radium Institute"
  ]
  node [
    id 22
    label "Madame Curie (1937 biography)"
  ]
  edge [
    source 0
    target 1
    key 0
    relation "spouse"
  ]
  edge [
    source 0
    target 2
    key 0
    relation "born_in"
  ]
  edge [
    source 0
    target 3
    key 0
    relation "citizen_of"
  ]
  edge [
    source 0
    target 5
    key 0
    relation "citizen_of"
  ]
  edge [
    source 0
    target 12
    key 0
    relation "discovered"
  ]
  edge [
    source 0
    target 13
    key 0
    relation "discovered"
  ]
  edge [
    source 0
    target 17
    key 0
    relation "award"
  ]
  edge [
    source 0
    target 18
    key 0
    relation "award"
  ]
  edge [
    source 0
    target 20
    key 0
    relation "educated_at"
  ]
  edge [
    source 0
    target 21
    key 0
    relation "works_at"
  ]
  edge [
    source 1
    target 4
    key 0
    relation "born_in"
  ]
  edge [
    source 1
    target 6
    key 0
    relation "sibling"
  ]
  edge [
    source 1
    target 12
    key 0
    relation "discovered"
  ]
  edge [
    source 1
    target 13
    key 0
    relation "discovered"
  ]
  edge [
    source 1
    target 14
    key 0
    relation "discovered"
  ]
  edge [
    source 1
    target 17
    key 0
    relation "award"
  ]
  edge [
    source 2
    target 3
    key 0
    relation "located_in"
  ]
  edge [
    source 4
    target 5
    key 0
    relation "located_in"
  ]
  edge [
    source 6
    target 14
    key 0
    relation "discovered"
  ]
  edge [
    source 7
    target 0
    key 0
    relation "child_of"
  ]
  edge [
    source 7
    target 1
    key 0
    relation "child_of"
  ]
  edge [
    source 7
    target 9
    key 0
    relation "spouse"
  ]
  edge [
    source 7
    target 4
    key 0
    relation "born_in"
  ]
  edge [
    source 7
    target 15
    key 0
    relation "discovered"
  ]
  edge [
    source 7
    target 19
    key 0
    relation "award"
  ]
  edge [
    source 7
    target 20
    key 0
    relation "educated_at"
  ]
  edge [
    source 7
    target 21
    key 0
    relation "works_at"
  ]
  edge [
    source 8
    target 0
    key 0
    relation "child_of"
  ]
  edge [
    source 8
    target 1
    key 0
    relation "child_of"
  ]
  edge [
    source 8
    target 22
    key 0
    relation "author_of"
  ]
  edge [
    source 9
    target 4
    key 0
    relation "born_in"
  ]
  edge [
    source 9
    target 15
    key 0
    relation "discovered"
  ]
  edge [
    source 9
    target 19
    key 0
    relation "award"
  ]
  edge [
    source 10
    target 4
    key 0
    relation "born_in"
  ]
  edge [
    source 10
    target 11
    key 0
    relation "discovered"
  ]
  edge [
    source 10
    target 17
    key 0
    relation "award"
  ]
  edge [
    source 12
    target 3
    key 0
    relation "named_after"
  ]
  edge [
    source 12
    target 16
    key 0
    relation "instance_of"
  ]
  edge [
    source 13
    target 16
    key 0
    relation "instance_of"
  ]
  edge [
    source 20
    target 4
    key 0
    relation "located_in"
  ]
  edge [
    source 21
    target 4
    key 0
    relation "located_in"
  ]
  edge [
    source 22
    target 0
    key 0
    relation "about"
  ]
]
