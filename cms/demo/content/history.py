"""Learning from our History (Fairness & Belonging paper, paragraphs 42 and 43): the
relationship between communities and the police, in three versions."""

from .markup import SUPPORT, h3, ol, p, ul

HISTORY_PROGRAMME = {
    "slug": "learning-from-our-history",
    "title": "Learning from our History",
    "intro": (
        "Why some communities, and Black communities in particular, approach the police with caution, and what "
        "that means for every encounter we have. In three versions: student officers, new police staff and "
        "experienced police officers."
    ),
    "topic": "history-and-communities",
    "body": [
        (
            "text",
            p(
                "The programme began with the work of a now retired officer of this force, whose Masters "
                "dissertation looked at the impact of history on police interactions with Black communities. Her "
                "pilot, on Black history and officer behaviours, has grown into a Fairness and Belonging priority "
                "developed with an internal stakeholder group and the Diversity and Inclusion community reference "
                "group.",
                "Each version shares a core module on the history of policing and communities, followed by a "
                "module written for the role. New starters complete theirs when they join.",
            ),
        ),
    ],
}


def _history_core(reflection: str) -> dict:
    return {
        "slug": "our-shared-history",
        "title": "Our shared history",
        "summary": "Key moments in the relationship between the police and Black communities in Britain since 1948.",
        "minutes": 35,
        "screens": [
            (
                "Why history matters to policing today",
                [
                    (
                        "text",
                        p(
                            "When you meet someone, they do not only meet you. They meet every officer their family "
                            "has told them about, every stop they or their friends have experienced, and the "
                            "history of how the police have treated their community. You cannot change that history, "
                            "but knowing it helps you understand the reaction you may get, and shows why fair, "
                            "respectful treatment in each encounter matters so much.",
                            "This module does not ask you to feel guilty for things that happened before you joined. "
                            "It asks you to understand them, because the public expects the police to.",
                        ),
                    ),
                    SUPPORT,
                ],
            ),
            (
                "1948 to 1981: arrival, hostility and 'sus'",
                [
                    (
                        "text",
                        p(
                            "In June 1948 the Empire Windrush arrived at Tilbury, carrying people from the Caribbean "
                            "invited to help rebuild Britain. Many found hostility in housing, work and on the "
                            "street. In 1958 white mobs attacked Caribbean residents in Notting Hill, and many in the "
                            "community felt the police response did not protect them.",
                            "Through the 1970s, the 'sus' law (section 4 of the Vagrancy Act 1824) let police arrest "
                            "someone as a 'suspected person' loitering with intent to commit an offence. It was used "
                            "disproportionately against young Black men, often with little evidence, and became a "
                            "symbol of unfair treatment. It was repealed in 1981.",
                        ),
                    ),
                ],
            ),
            (
                "1981 to 1999: Brixton, Handsworth and Stephen Lawrence",
                [
                    (
                        "text",
                        p(
                            "In April 1981, after an operation in Brixton in which very large numbers of people were "
                            "stopped and searched in a few days, serious disorder broke out. Lord Scarman's report "
                            "found that the disorder arose from a complex mix of social conditions and a breakdown "
                            "of trust between the police and the community, and called for better community "
                            "consultation and accountability. Disorder also took place in other cities, and in "
                            "Handsworth, Birmingham, in 1985.",
                            "In April 1993 Stephen Lawrence, a Black teenager, was murdered in a racist attack in "
                            "Eltham, south-east London. The investigation failed his family. The Macpherson report "
                            "of 1999 found that it was marred by professional incompetence, institutional racism and "
                            "a failure of leadership.",
                        ),
                    ),
                    (
                        "callout",
                        "important",
                        "Institutional racism, as Macpherson defined it",
                        p(
                            '"The collective failure of an organisation to provide an appropriate and professional '
                            "service to people because of their colour, culture, or ethnic origin. It can be seen or "
                            "detected in processes, attitudes and behaviour which amount to discrimination through "
                            "unwitting prejudice, ignorance, thoughtlessness and racist stereotyping which "
                            'disadvantage minority ethnic people."'
                        ),
                    ),
                ],
            ),
            (
                "Today: disproportionality and the Police Race Action Plan",
                [
                    (
                        "text",
                        p(
                            "Home Office figures have for many years shown Black people stopped and searched at "
                            "several times the rate of White people, and disproportionality appears in the use of "
                            "force and in complaints. Behind each figure are encounters that shape how whole "
                            "families see the police.",
                            "In 2022 the National Police Chiefs' Council and the College of Policing published the "
                            "Police Race Action Plan, committing policing to becoming anti-racist: to represent, "
                            "involve, protect and serve Black people better, and to be held to account by them. "
                            "This force's Fairness and Belonging work, including this programme, is part of that.",
                        ),
                    ),
                    (
                        "scenario",
                        "Why should we trust you?",
                        p(
                            "At a community meeting about a recent stabbing, an older resident who came to Britain "
                            'from Jamaica in the 1960s stands up. "My son was stopped every week in the eighties. '
                            'Now my grandson is. Why should any of us trust you?" The room goes quiet and looks '
                            "at you.",
                        ),
                        "How would you respond?",
                        [
                            (
                                "Explain that policing has changed completely since then.",
                                p(
                                    "Much has changed, but his grandson's experience is now. Leading with a defence "
                                    "can sound like you are dismissing what his family has lived through."
                                ),
                            ),
                            (
                                "Acknowledge his experience, listen, and say what you will do.",
                                p(
                                    "Acknowledging that his family's experience is real, and that trust has to be "
                                    "earned, opens the door. Then be specific: how people can give feedback on "
                                    "stops, how the scrutiny panel works, and a way to follow up with him."
                                ),
                            ),
                            (
                                "Say you cannot discuss individual cases and move on to the agenda.",
                                p(
                                    "You may not be able to discuss a specific stop, but moving on without "
                                    "acknowledging him confirms his view that nobody listens."
                                ),
                            ),
                        ],
                        p("Trust is rebuilt one honest conversation and one fair encounter at a time."),
                    ),
                    ("reflect", reflection),
                ],
            ),
            (
                "Check your understanding",
                [
                    (
                        "check",
                        [
                            (
                                "What was the 'sus' law?",
                                "single",
                                [
                                    (
                                        "A power to arrest a 'suspected person' loitering with intent, used "
                                        "disproportionately against young Black men until 1981.",
                                        True,
                                    ),
                                    ("A power to stop vehicles without reason.", False),
                                    ("A law requiring people to carry identity cards.", False),
                                ],
                                p(
                                    "Section 4 of the Vagrancy Act 1824 allowed arrest of a 'suspected person'. Its "
                                    "use in the 1970s damaged trust, and it was repealed in 1981."
                                ),
                            ),
                            (
                                "Which did the Macpherson report (1999) find in the Stephen Lawrence investigation?",
                                "multiple",
                                [
                                    ("Professional incompetence.", True),
                                    ("Institutional racism.", True),
                                    ("A failure of leadership.", True),
                                    ("That the investigation had been a model of good practice.", False),
                                ],
                                p(
                                    "Macpherson found the investigation marred by a combination of professional "
                                    "incompetence, institutional racism and a failure of leadership."
                                ),
                            ),
                            (
                                "Why does this history matter in an encounter today?",
                                "single",
                                [
                                    ("Because officers today are responsible for past events.", False),
                                    (
                                        "Because people bring their own and their community's experience of the "
                                        "police into each encounter.",
                                        True,
                                    ),
                                    ("It does not: each encounter starts from nothing.", False),
                                ],
                                p(
                                    "You are not to blame for history, but people carry it with them. Understanding "
                                    "that helps you build trust one encounter at a time."
                                ),
                            ),
                        ],
                    ),
                ],
            ),
        ],
    }


STUDENT_MODULE = {
    "slug": "your-first-encounters",
    "title": "Your first encounters",
    "summary": "Procedural justice and fair, lawful stop and search for officers starting out.",
    "minutes": 30,
    "screens": [
        (
            "Procedural justice",
            [
                (
                    "text",
                    p(
                        "Research on procedural justice, associated with Professor Tom Tyler, shows that people "
                        "judge the police less by the outcome of an encounter than by how they were treated. "
                        "When people feel they were treated fairly, they are more likely to see the police as "
                        "legitimate, co-operate and obey the law, even when the outcome went against them.",
                    )
                    + ul(
                        "Voice: let people explain their side.",
                        "Neutrality: make decisions on facts, and explain them.",
                        "Respect: treat people with dignity and courtesy.",
                        "Trustworthy motives: show you are acting for the right reasons.",
                    ),
                ),
            ],
        ),
        (
            "Stop and search: grounds, not appearance",
            [
                (
                    "text",
                    p(
                        "Under PACE Code A, reasonable grounds for suspicion must be based on objective facts, "
                        "information or intelligence. They can never be based on personal factors alone, such as "
                        "someone's race, religion, age, appearance, or the fact that they are known to have a "
                        "previous conviction. Generalisations and stereotypes about groups of people are not "
                        "reasonable grounds.",
                        "Every search must be explained. The GOWISELY mnemonic helps you give the information "
                        "the law requires:",
                    )
                    + ol(
                        "Grounds for the search.",
                        "Object of the search.",
                        "Warrant card, if not in uniform.",
                        "Identity: your name or number.",
                        "Station you are attached to.",
                        "Entitlement to a copy of the search record.",
                        "Legal power being used.",
                        "You are detained for the purpose of a search.",
                    ),
                ),
            ],
        ),
        (
            "A dilemma: the group by the shops",
            [
                (
                    "scenario",
                    "Reports of a knife",
                    p(
                        "You and your tutor are sent to reports of a young man with a knife near a parade of "
                        "shops. The description is 'a Black male in a dark hoodie'. When you arrive, five Black "
                        "teenagers, several in dark hoodies, are standing by the shops. They see you coming and "
                        'one of them says loudly, "Here we go again."',
                    ),
                    "What would you do?",
                    [
                        (
                            "Search all five: the description fits them.",
                            p(
                                "A description this general does not give reasonable grounds to search everyone "
                                "who matches it. Searching the whole group on race and clothing alone is likely "
                                "to be unlawful and will confirm to them, and to onlookers, that they were "
                                "targeted for being Black."
                            ),
                        ),
                        (
                            "Engage the group, explain why you are there, and look for specific grounds.",
                            p(
                                "Explaining the call, asking if they have seen anything, and looking for "
                                "specific behaviour or information (for example, CCTV from the shop, or someone "
                                "matching further details) respects them and may give you lawful grounds for one "
                                "person. Stay alert to your safety and theirs throughout."
                            ),
                        ),
                        (
                            "Leave: the description is too vague to act on.",
                            p(
                                "A report of a knife needs a response. The question is how to respond lawfully "
                                "and fairly, not whether to. Gather more information, from the caller, CCTV and "
                                "the people present."
                            ),
                        ),
                    ],
                    p(
                        '"Here we go again" tells you about their past experience. How you handle the next five '
                        "minutes will shape their view of the police for years."
                    ),
                ),
                ("reflect", "How will you explain yourself when you stop someone who expects to be treated unfairly?"),
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "Which can form part of reasonable grounds for a search under PACE Code A?",
                            "multiple",
                            [
                                ("Specific intelligence about a named person.", True),
                                ("The person's ethnicity.", False),
                                ("Seeing the person hide an object that looks like a weapon.", True),
                                ("That the person has a previous conviction, on its own.", False),
                            ],
                            p(
                                "Grounds must rest on objective facts, information or intelligence. Personal "
                                "factors such as race, or a previous conviction on its own, are never enough."
                            ),
                        ),
                        (
                            "According to procedural justice research, what most shapes whether people see the "
                            "police as legitimate?",
                            "single",
                            [
                                ("Whether the outcome went their way.", False),
                                ("How fairly and respectfully they were treated.", True),
                                ("How quickly the police arrived.", False),
                            ],
                            p("Fair process, voice and respect matter more to legitimacy than outcomes."),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

STAFF_MODULE = {
    "slug": "first-contact",
    "title": "First contact",
    "summary": "For police staff: the call, the front counter and the record, where trust is often won or lost.",
    "minutes": 25,
    "screens": [
        (
            "Staff are often the first contact",
            [
                (
                    "text",
                    p(
                        "For many people their first contact with the police is not an officer. It is a call "
                        "handler, a front counter officer, a PCSO, an investigator or someone reading their "
                        "letter. If someone expects to be disbelieved because of their community's history, the "
                        "first minute of that contact matters enormously.",
                        "Police staff also shape what officers see: a call log, a grading, a suspect description "
                        "or an intelligence record can carry assumptions into every later decision.",
                    ),
                ),
            ],
        ),
        (
            "Records without assumptions",
            [
                (
                    "text",
                    ul(
                        "Record what a caller said, not your interpretation of who they are.",
                        "Ask people to self-define their ethnicity; do not guess. If you must record an "
                        "officer-observed description, say so.",
                        "Challenge vague descriptions that are mainly ethnicity and clothing: ask for height, "
                        "build, distinguishing features, direction of travel.",
                        "Offer an interpreter or Language Line when English is not someone's first language.",
                        "Avoid loaded words such as 'aggressive' or 'hostile' unless you record the behaviour "
                        "behind them.",
                    ),
                ),
                SUPPORT,
            ],
        ),
        (
            "A dilemma: the caller",
            [
                (
                    "scenario",
                    "A suspicious person",
                    p(
                        "A caller reports 'a suspicious Black man' walking slowly along their street looking at "
                        "houses. Asked what he is doing, the caller says he is 'just looking around' and "
                        "'doesn't belong here'.",
                    ),
                    "How would you handle the call?",
                    [
                        (
                            "Grade it for urgent attendance: it could be a burglar.",
                            p(
                                "Nothing described so far is criminal. Sending officers urgently on this basis "
                                "risks a stop driven by the caller's assumptions about who belongs where."
                            ),
                        ),
                        (
                            "Ask about behaviour: what has he done that concerns you?",
                            p(
                                "Asking about specific behaviour (trying door handles, looking into cars) helps "
                                "you assess risk on facts. If there is none, record the call accurately and "
                                "explain to the caller why officers are not being sent."
                            ),
                        ),
                        (
                            "Tell the caller the call is racist and end it.",
                            p(
                                "The caller may be worried, and every call deserves a professional response. "
                                "Asking about behaviour is both fairer and safer than accusing the caller."
                            ),
                        ),
                    ],
                    p("The grading decision is where an assumption can become an encounter on the street."),
                ),
                ("reflect", "Where in your role could an assumption be passed on to someone else's decision?"),
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "How should a person's ethnicity be recorded when they can be asked?",
                            "single",
                            [
                                ("As the person defines it themselves.", True),
                                ("As the member of staff sees it.", False),
                                ("It should never be recorded.", False),
                            ],
                            p("Self-defined ethnicity is the standard; never guess when you can ask."),
                        ),
                        (
                            "Which help stop assumptions passing into later decisions?",
                            "multiple",
                            [
                                ("Recording specific behaviour rather than labels.", True),
                                ("Asking for fuller descriptions than ethnicity and clothing.", True),
                                ("Recording your impression of the caller's background.", False),
                            ],
                            p("Facts and fuller descriptions travel well; impressions and labels do not."),
                        ),
                    ],
                ),
            ],
        ),
    ],
}

OFFICER_MODULE = {
    "slug": "experience-habit-and-trust",
    "title": "Experience, habit and trust",
    "summary": "For experienced officers: how experience builds shortcuts, and how to check them.",
    "minutes": 30,
    "screens": [
        (
            "Experience creates shortcuts",
            [
                (
                    "text",
                    p(
                        "Experience is valuable: it lets you read situations quickly. But the brain builds "
                        "shortcuts from what it has seen before, and what we have seen is shaped by where we "
                        "have been deployed and what we were told to look for. Shortcuts can become bias.",
                    )
                    + ul(
                        "Confirmation bias: noticing what fits what you already believe.",
                        "Adultification: seeing Black children as older and less innocent than their age, which "
                        "can affect safeguarding decisions.",
                        "Affinity bias: trusting people who seem like you.",
                    )
                    + p(
                        'Checking a shortcut takes a second: "What are my grounds? Would I do the same if this '
                        'person were different?"'
                    ),
                ),
            ],
        ),
        (
            "Scrutiny is a tool, not a threat",
            [
                (
                    "text",
                    p(
                        "Body-worn video, stop and search scrutiny panels and community reference groups let "
                        "members of the public see how we use our powers. Experienced officers who take part, "
                        "explain their decisions and listen to feedback help build trust across a whole area. "
                        "Reviewing your own footage is one of the best ways to spot habits you did not know you "
                        "had.",
                    ),
                ),
                (
                    "text",
                    h3("You are also a tutor")
                    + p(
                        "Student officers copy experienced colleagues. What you say about communities in the car "
                        "will shape how they police for thirty years."
                    ),
                ),
            ],
        ),
        (
            "A dilemma: the familiar name",
            [
                (
                    "scenario",
                    "A name you know",
                    p(
                        "You stop a car for a defective light. The driver, a young Black man, is the younger "
                        "brother of someone you arrested several times years ago. Your student officer asks if "
                        'you should search the car "because of the family".',
                    ),
                    "What would you do?",
                    [
                        (
                            "Search the car: the family is known.",
                            p(
                                "Family association is not reasonable grounds. A search here would be unlawful "
                                "and would teach your student that it is acceptable."
                            ),
                        ),
                        (
                            "Deal with the light, explain the stop and let him go.",
                            p(
                                "This is lawful and fair, and models for your student what to do. Explain to them "
                                "afterwards why family is not grounds."
                            ),
                        ),
                    ],
                    p("What you do here is what your student will do for the rest of their career."),
                ),
                ("reflect", "Which of your habits would you not want a student officer to copy?"),
                SUPPORT,
            ],
        ),
        (
            "Check your understanding",
            [
                (
                    "check",
                    [
                        (
                            "What is adultification?",
                            "single",
                            [
                                ("Treating adults as children.", False),
                                (
                                    "Seeing children, particularly Black children, as older and less innocent "
                                    "than they are.",
                                    True,
                                ),
                                ("Charging young people as adults.", False),
                            ],
                            p("Adultification bias can lead to children not being safeguarded as children."),
                        ),
                        (
                            "Is a person's family association on its own reasonable grounds for a search?",
                            "single",
                            [("Yes.", False), ("No.", True)],
                            p("Grounds must relate to the person and the circumstances, not their family."),
                        ),
                    ],
                ),
            ],
        ),
    ],
}


HISTORY_COURSES = [
    {
        "code": "LFOH-STUDENT",
        "slug": "student-officers",
        "title": "Learning from our History: student officers",
        "label": "Student officers",
        "summary": "For student officers in their first weeks: the history, and your first encounters.",
        "outcomes": ul(
            "Describe key moments in the history of policing and Black communities in Britain.",
            "Apply procedural justice in every encounter.",
            "Explain the grounds for a search without relying on personal factors.",
        ),
        "audience": "Student officers, completed when they join.",
        "tags": ["Student officers", "New starters"],
        "topic": "history-and-communities",
        "mode": "online",
        "minutes": 65,
        "modules": [
            _history_core("What did you know about this history before today? What surprised you?"),
            STUDENT_MODULE,
        ],
    },
    {
        "code": "LFOH-STAFF",
        "slug": "new-police-staff",
        "title": "Learning from our History: new police staff",
        "label": "New police staff",
        "summary": "For police staff joining the force: the history, and how first contact builds trust.",
        "outcomes": ul(
            "Describe key moments in the history of policing and Black communities in Britain.",
            "Record information without passing on assumptions.",
            "Handle first contact in a way that builds trust.",
        ),
        "audience": "New police staff, completed when they join.",
        "tags": ["Police staff", "New starters"],
        "topic": "history-and-communities",
        "mode": "online",
        "minutes": 60,
        "modules": [
            _history_core("How might this history affect the first call or visit someone makes to us?"),
            STAFF_MODULE,
        ],
    },
    {
        "code": "LFOH-OFFICER",
        "slug": "experienced-officers",
        "title": "Learning from our History: experienced officers",
        "label": "Experienced police officers",
        "summary": "For serving officers: the history, and checking the shortcuts experience builds.",
        "outcomes": ul(
            "Describe key moments in the history of policing and Black communities in Britain.",
            "Recognise and check shortcuts such as confirmation and adultification bias.",
            "Use scrutiny and tutoring to build trust.",
        ),
        "audience": "Serving police officers.",
        "tags": ["Police officers"],
        "topic": "history-and-communities",
        "mode": "online",
        "minutes": 65,
        "modules": [
            _history_core("Which encounter from your own service do you see differently after this module?"),
            OFFICER_MODULE,
        ],
    },
]
